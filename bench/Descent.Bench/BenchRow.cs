using System.Text.Json.Serialization;

namespace Descent.Bench;

/// <summary>One measured value, with the peer's value on the same case where a peer ran.</summary>
internal sealed record BenchRow
{
    [JsonPropertyName("suite")]
    public required string Suite { get; init; }

    [JsonPropertyName("case")]
    public required string Case { get; init; }

    [JsonPropertyName("metric")]
    public required string Metric { get; init; }

    [JsonPropertyName("unit")]
    public required string Unit { get; init; }

    [JsonPropertyName("value")]
    public required double Value { get; init; }

    [JsonPropertyName("peer")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Peer { get; init; }

    [JsonPropertyName("peer_value")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? PeerValue { get; init; }

    /// <summary>Descent's advantage: value/peer for rates, peer/value for times (&gt;1 = Descent better).</summary>
    [JsonPropertyName("ratio")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? Ratio { get; init; }

    /// <summary>Free-form context (kernel, threads, machine).</summary>
    [JsonPropertyName("note")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Note { get; init; }

    /// <summary>Whether larger values are better (rates) or smaller (times).</summary>
    [JsonIgnore]
    public bool HigherIsBetter { get; init; } = true;

    /// <summary>This row compared with a peer value (null peer value: no comparison).</summary>
    public BenchRow WithPeer(string peer, double? peerValue) => peerValue is not { } pv || pv <= 0
        ? this with { Peer = peer, PeerValue = null, Ratio = null }
        : this with { Peer = peer, PeerValue = pv, Ratio = HigherIsBetter ? Value / pv : pv / Value };
}
