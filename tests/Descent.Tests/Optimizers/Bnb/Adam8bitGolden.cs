using System.Text.Json;
using Descent.Tests.Infrastructure;

namespace Descent.Tests.Optimizers.Bnb;

/// <summary>
/// The golden file <c>adam8bit.json</c> (see the golden README, section adam8bit.json): bitsandbytes' dynamic maps,
/// standalone block-wise quantization cases and Adam8bit/AdamW8bit trajectories, each for the <c>bnb_cpu</c> and
/// <c>bnb_cuda</c> semantics. Parsed once.
/// </summary>
public sealed class Adam8bitGolden
{
    /// <summary>The file name in the golden folder.</summary>
    public const string FileName = "adam8bit.json";

    private static readonly Lazy<Adam8bitGolden> Cached = new(() => new Adam8bitGolden(Golden.File(FileName)));

    private Adam8bitGolden(string path)
    {
        using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
        var root = doc.RootElement;
        Commit = root.GetProperty("bitsandbytes_commit").GetString()!;
        BlockSize = root.GetProperty("blocksize").GetInt32();
        MinQuantizedSize = root.GetProperty("min_8bit_size").GetInt32();
        SignedMap = Floats(root.GetProperty("qmap_signed"));
        UnsignedMap = Floats(root.GetProperty("qmap_unsigned"));
        QuantizeCases = [.. root.GetProperty("quantize_cases").EnumerateArray().Select(q => new QuantizeCase(
            q.GetProperty("name").GetString()!, q.GetProperty("semantics").GetString()!, q.GetProperty("map").GetString() == "signed",
            Floats(q.GetProperty("input")), [.. q.GetProperty("codes").EnumerateArray().Select(e => (byte)e.GetInt32())],
            Floats(q.GetProperty("absmax")), Floats(q.GetProperty("dequantized"))))];
        Cases = [.. root.GetProperty("cases").EnumerateArray().Select(ReadCase)];
    }

    /// <summary>The file, parsed.</summary>
    public static Adam8bitGolden Instance => Cached.Value;

    /// <summary>The bitsandbytes commit transcribed.</summary>
    public string Commit { get; }

    public int BlockSize { get; }

    public int MinQuantizedSize { get; }

    /// <summary>qmap_signed: create_dynamic_map(signed=True), 256 values.</summary>
    public float[] SignedMap { get; }

    /// <summary>qmap_unsigned: create_dynamic_map(signed=False), 256 values.</summary>
    public float[] UnsignedMap { get; }

    public IReadOnlyList<QuantizeCase> QuantizeCases { get; }

    public IReadOnlyList<TrajectoryCase> Cases { get; }

    /// <summary>Theory rows: the trajectory case names.</summary>
    public static TheoryData<string> CaseNames()
    {
        var rows = new TheoryData<string>();
        foreach (var c in Instance.Cases)
        {
            rows.Add(c.Name);
        }

        return rows;
    }

    /// <summary>Theory rows: the quantization case names.</summary>
    public static TheoryData<string> QuantizeCaseNames()
    {
        var rows = new TheoryData<string>();
        foreach (var c in Instance.QuantizeCases)
        {
            rows.Add(c.Name);
        }

        return rows;
    }

    public TrajectoryCase Case(string name) => Cases.Single(c => c.Name == name);

    private static TrajectoryCase ReadCase(JsonElement c)
    {
        var hp = c.GetProperty("hyperparams");
        var betas = Floats64(hp.GetProperty("betas"));
        float[][] Per(JsonElement e) => [.. e.EnumerateArray().Select(x => x.ValueKind == JsonValueKind.Null ? null! : Floats(x))];
        var finals = c.GetProperty("state_final").EnumerateArray().Select(s => new FinalState(
            s.GetProperty("step").GetInt64(), Floats(s.GetProperty("state1")), Floats(s.GetProperty("state2")),
            s.TryGetProperty("absmax1", out var a1) ? Floats(a1) : null,
            s.TryGetProperty("absmax2", out var a2) ? Floats(a2) : null)).ToArray();
        return new TrajectoryCase(
            c.GetProperty("name").GetString()!, c.GetProperty("semantics").GetString()!, c.GetProperty("optimizer").GetString()!,
            hp.GetProperty("lr").GetDouble(), betas[0], betas[1], hp.GetProperty("eps").GetDouble(), hp.GetProperty("weight_decay").GetDouble(),
            [.. c.GetProperty("shapes").EnumerateArray().Select(s => s.EnumerateArray().Select(d => d.GetInt32()).ToArray())],
            [.. c.GetProperty("state_bits").EnumerateArray().Select(b => b.GetInt32())],
            Per(c.GetProperty("params_init")),
            [.. c.GetProperty("grads").EnumerateArray().Select(Per)],
            [.. c.GetProperty("params").EnumerateArray().Select(Per)],
            [.. c.GetProperty("absmax1").EnumerateArray().Select(Per)],
            [.. c.GetProperty("absmax2").EnumerateArray().Select(Per)],
            finals,
            c.GetProperty("near_ties").GetArrayLength());
    }

    private static float[] Floats(JsonElement e) => [.. e.EnumerateArray().Select(x => x.GetSingle())];

    private static double[] Floats64(JsonElement e) => [.. e.EnumerateArray().Select(x => x.GetDouble())];

    /// <summary>One standalone quantization case.</summary>
    public sealed record QuantizeCase(string Name, string Semantics, bool Signed, float[] Input, byte[] Codes, float[] Absmax, float[] Dequantized);

    /// <summary>A parameter's state after the last step: codes (8-bit) or m, v (32-bit) as floats.</summary>
    public sealed record FinalState(long Step, float[] State1, float[] State2, float[]? Absmax1, float[]? Absmax2);

    /// <summary>One trajectory case; arrays per step s and parameter k (null for a 32-bit parameter's absmax).</summary>
    public sealed record TrajectoryCase(
        string Name, string Semantics, string Optimizer, double LearningRate, double Beta1, double Beta2, double Epsilon, double WeightDecay,
        int[][] Shapes, int[] StateBits, float[][] ParamsInit, float[][][] Grads, float[][][] Params, float[][][] Absmax1, float[][][] Absmax2,
        FinalState[] Final, int NearTies)
    {
        public bool Cuda => Semantics == "bnb_cuda";
    }
}
