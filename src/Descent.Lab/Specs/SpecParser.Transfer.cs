using System.Text.Json;
using Descent.Experiments.Transfer;

namespace Descent.Lab.Specs;

/// <summary>The <c>fashion-transfer</c> fields of <c>$.task</c>.</summary>
public sealed partial class SpecParser
{
    private static readonly string[] TransferTaskKeys =
        ["labels_per_class", "validation_per_class", "pretrained", "weights", "pretrain_epochs", "pretrain_per_class", "width"];

    private TransferTaskSpec? ReadTransfer(JsonElement e, string path, string? kind)
    {
        var present = TransferTaskKeys.Where(k => e.TryGetProperty(k, out _)).ToList();
        if (kind != TaskKinds.FashionTransfer)
        {
            if (kind is not null)
            {
                foreach (var k in present)
                {
                    Error($"{path}.{k}", $"applies to fashion-transfer only, not {kind}");
                }
            }

            return null;
        }

        if (e.TryGetProperty("l2", out _))
        {
            Error($"{path}.l2", "applies to digits-mlp only, not fashion-transfer");
        }

        var d = TransferTaskSpec.Default;
        var labels = e.TryGetProperty("labels_per_class", out var l) ? Int(l, $"{path}.labels_per_class", 1, 6000) ?? d.LabelsPerClass : d.LabelsPerClass;
        var validation = e.TryGetProperty("validation_per_class", out var v) ? Int(v, $"{path}.validation_per_class", 1, 5000) ?? d.ValidationPerClass : d.ValidationPerClass;
        var pretrained = d.Pretrained;
        if (e.TryGetProperty("pretrained", out var p))
        {
            if (p.ValueKind is JsonValueKind.True or JsonValueKind.False)
            {
                pretrained = p.GetBoolean();
            }
            else
            {
                Error($"{path}.pretrained", $"must be true or false, not {Kind(p)}");
            }
        }

        string? weights = null;
        if (e.TryGetProperty("weights", out var w))
        {
            if (w.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(w.GetString()))
            {
                Error($"{path}.weights", $"must be the path of a safetensors file, not {Kind(w)}");
            }
            else if (!pretrained)
            {
                Error($"{path}.weights", "pretrained weights are not used when \"pretrained\" is false");
            }
            else
            {
                weights = w.GetString();
            }
        }

        var epochs = e.TryGetProperty("pretrain_epochs", out var pe) ? Int(pe, $"{path}.pretrain_epochs", 1, 1000) ?? d.PretrainEpochs : d.PretrainEpochs;
        var perClass = e.TryGetProperty("pretrain_per_class", out var pp) ? Int(pp, $"{path}.pretrain_per_class", 2, 6000) ?? d.PretrainPerClass : d.PretrainPerClass;
        if (weights is not null && (e.TryGetProperty("pretrain_epochs", out _) || e.TryGetProperty("pretrain_per_class", out _)))
        {
            Error($"{path}.weights", "give either pretrained weights or pretraining settings (pretrain_epochs, pretrain_per_class), not both");
        }

        var width = e.TryGetProperty("width", out var wi) ? Int(wi, $"{path}.width", 1, Experiments.Transfer.SmallCnn.MaxWidth) ?? d.Width : d.Width;
        return new TransferTaskSpec(labels, validation, pretrained, weights, epochs, perClass, width);
    }
}
