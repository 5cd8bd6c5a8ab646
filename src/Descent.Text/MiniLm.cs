using Descent.Data;
using Descent.Onnx;
using Descent.Text.Transformers;

namespace Descent.Text;

/// <summary>
/// sentence-transformers all-MiniLM-L6-v2 (Apache-2.0): a 6-layer, 384-wide uncased BERT whose sentence embedding is the
/// masked mean of the last hidden state, read from <see cref="ModelFile"/> and <see cref="VocabFile"/> in a folder:
/// the one passed in, else <see cref="EnvironmentVariable"/>, else <see cref="DefaultDirectory"/>, where
/// <see cref="InstallCommand"/> puts them (<see cref="MiniLmPackage"/>). Descent.Text does not ship the weights.
/// </summary>
public static class MiniLm
{
    /// <summary>The ONNX model's file name.</summary>
    public const string ModelFile = "model.onnx";

    /// <summary>The WordPiece vocabulary's file name.</summary>
    public const string VocabFile = "vocab.txt";

    /// <summary>Environment variable naming the folder that holds <see cref="ModelFile"/> and <see cref="VocabFile"/>.</summary>
    public const string EnvironmentVariable = "DESCENT_MINILM_DIR";

    /// <summary>The command that installs the weights into <see cref="DefaultDirectory"/>.</summary>
    public const string InstallCommand = "descent data install minilm";

    /// <summary>Where <see cref="InstallCommand"/> installs the files: <c>minilm</c> under <see cref="DataDirectory.Root"/>.</summary>
    public static string DefaultDirectory => DataDirectory.For("minilm");

    /// <summary>The folder to read: <paramref name="directory"/>, else <see cref="EnvironmentVariable"/>, else <see cref="DefaultDirectory"/>.</summary>
    public static string ResolveDirectory(string? directory = null)
    {
        if (!string.IsNullOrWhiteSpace(directory))
        {
            return Path.GetFullPath(directory);
        }

        var env = Environment.GetEnvironmentVariable(EnvironmentVariable);
        return string.IsNullOrWhiteSpace(env) ? DefaultDirectory : Path.GetFullPath(env);
    }

    /// <summary>Whether the folder (resolved as by <see cref="ResolveDirectory"/>) holds both files.</summary>
    public static bool IsInstalled(string? directory = null)
    {
        var dir = ResolveDirectory(directory);
        return File.Exists(Path.Combine(dir, ModelFile)) && File.Exists(Path.Combine(dir, VocabFile));
    }

    /// <summary>The folder holding both files.</summary>
    /// <exception cref="FileNotFoundException">A file is missing; the message names it and the command that installs it.</exception>
    public static string Locate(string? directory = null)
    {
        var dir = ResolveDirectory(directory);
        foreach (var name in new[] { ModelFile, VocabFile })
        {
            var path = Path.Combine(dir, name);
            if (!File.Exists(path))
            {
                throw new FileNotFoundException(
                    $"all-MiniLM-L6-v2 weights not found: {path} does not exist. Install them with '{InstallCommand}' " +
                    $"(into {DefaultDirectory}), or point {EnvironmentVariable} (or --model-dir) to a folder holding {ModelFile} and {VocabFile}.",
                    path);
            }
        }

        return dir;
    }

    /// <summary>Opens the ONNX model bytes.</summary>
    public static Stream OpenModel(string? directory = null) => File.OpenRead(Path.Combine(Locate(directory), ModelFile));

    /// <summary>Opens the vocabulary.</summary>
    public static Stream OpenVocab(string? directory = null) => File.OpenRead(Path.Combine(Locate(directory), VocabFile));

    /// <summary>Reads the ONNX model.</summary>
    public static OnnxModel ReadOnnx(string? directory = null)
    {
        using var s = OpenModel(directory);
        return OnnxModel.Load(s);
    }

    /// <summary>A <see cref="BertModel"/> with the pretrained weights (in training mode; call <c>Eval()</c> for inference).</summary>
    /// <param name="onnx">The model read by <see cref="ReadOnnx"/>, or null to read it from the default folder.</param>
    /// <param name="seed">Seed of the dropout generators (weights are all loaded).</param>
    public static BertModel LoadModel(OnnxModel? onnx = null, ulong seed = 0)
    {
        onnx ??= ReadOnnx();
        var model = new BertModel(BertConfig.MiniLmL6, new Rng(seed));
        BertOnnxImporter.Load(model, onnx);
        return model;
    }

    /// <summary>The matching tokenizer (uncased WordPiece).</summary>
    public static BertTextTokenizer CreateTokenizer(int maxLength = 128, string? directory = null)
    {
        using var vocab = OpenVocab(directory);
        return BertTextTokenizer.Create(vocab, maxLength, lowerCase: true);
    }
}
