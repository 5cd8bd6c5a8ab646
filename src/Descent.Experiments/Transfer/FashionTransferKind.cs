using System.Globalization;
using System.Text.Json;
using Descent.Data;
using Descent.Lab.Runs;
using Descent.Lab.Specs;
using Descent.Lab.Tasks;

namespace Descent.Experiments.Transfer;

/// <summary>The <c>fashion-transfer</c> lab task: fine-tuning a small CNN pretrained on Fashion-MNIST classes 0–4 on
/// classes 5–9 (<see cref="FashionTransferTask"/>), with its own keys (<see cref="TransferTaskSpec"/>).</summary>
public sealed class FashionTransferKind : ILabTask
{
    /// <inheritdoc />
    public string Kind => TaskKinds.FashionTransfer;

    /// <inheritdoc />
    public IReadOnlyList<TaskKey> Keys { get; } = [TaskKeys.BatchSize, TaskKeys.Data, TaskKeys.Samples, .. TaskKeys.Transfer];

    /// <inheritdoc />
    public IReadOnlyList<string> Metrics { get; } = ["loss", "train_loss", "val_loss", "val_accuracy"];

    /// <inheritdoc />
    public string DefaultMetric => "val_accuracy";

    /// <inheritdoc />
    public TaskSpec Read(TaskSection section)
    {
        ArgumentNullException.ThrowIfNull(section);
        var spec = section.Common();
        var d = TransferTaskSpec.Default;
        var labels = section.Int("labels_per_class", 1, 6000, d.LabelsPerClass)!.Value;
        var validation = section.Int("validation_per_class", 1, 5000, d.ValidationPerClass)!.Value;
        var pretrained = section.Bool("pretrained", d.Pretrained);
        string? weights = null;
        if (section.TryGet("weights", out var w))
        {
            if (w.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(w.GetString()))
            {
                section.Error("weights", $"must be the path of a safetensors file, not {TaskSection.Describe(w)}");
            }
            else if (!pretrained)
            {
                section.Error("weights", "pretrained weights are not used when \"pretrained\" is false");
            }
            else
            {
                weights = w.GetString();
            }
        }

        var epochs = section.Int("pretrain_epochs", 1, 1000, d.PretrainEpochs)!.Value;
        var perClass = section.Int("pretrain_per_class", 2, 6000, d.PretrainPerClass)!.Value;
        if (weights is not null && (section.Has("pretrain_epochs") || section.Has("pretrain_per_class")))
        {
            section.Error("weights", "give either pretrained weights or pretraining settings (pretrain_epochs, pretrain_per_class), not both");
        }

        var width = section.Int("width", 1, SmallCnn.MaxWidth, d.Width)!.Value;
        return spec with { Settings = new TransferTaskSpec(labels, validation, pretrained, weights, epochs, perClass, width) };
    }

    /// <inheritdoc />
    public string Fingerprint(TaskSpec task)
    {
        ArgumentNullException.ThrowIfNull(task);
        return task.Settings is TransferTaskSpec f
            ? string.Create(CultureInfo.InvariantCulture,
                $" labels_per_class={f.LabelsPerClass} validation_per_class={f.ValidationPerClass} pretrained={f.Pretrained} weights={f.Weights ?? "cached"} " +
                $"pretrain={f.PretrainEpochs}x{f.PretrainPerClass} width={f.Width} transferred=convolutional")
            : string.Empty;
    }

    /// <summary>Before any run: finds the Fashion-MNIST folder (<c>$.task.data</c> or the default ones) and reads both
    /// splits; with <c>$.task.weights</c>, loads them into the network they initialize (a safetensors file of a small CNN
    /// of this width, every value finite).</summary>
    public void Validate(TaskSpec task)
    {
        ArgumentNullException.ThrowIfNull(task);
        TaskInputs.Check("$.task.data", () =>
        {
            var directory = FashionTransferTask.Locate(task.Data);
            _ = FashionMnist.Load(true, directory);
            _ = FashionMnist.Load(false, directory);
        });
        if (task.Settings is TransferTaskSpec { Weights: { } weights } transfer)
        {
            TaskInputs.Check("$.task.weights", () => FashionTransfer.CreateFineTuned(weights, 0, transfer.Width));
        }
    }

    /// <summary>True: its runs train through SupervisedTraining; the pretraining is done once beforehand (LabTask.Prepare) (data-parallel when the spec's ranks is above 1).</summary>
    public bool SupportsDataParallel => true;

    /// <inheritdoc />
    public LabTask CreateRun(TaskSpec task, string? outputDirectory) => new FashionTransferTask(task, outputDirectory);
}
