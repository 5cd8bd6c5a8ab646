using Descent.Autodiff;
using Descent.Text.Transformers;

namespace Descent.Text.Classification;

/// <summary>
/// A <see cref="Workspace"/> for batches of varying shape (dynamic padding): storage is reused while consecutive
/// batches have the same [batch, length]; when the shape changes the kept storage is dropped first, so the memory
/// held never exceeds one batch's intermediates (a workspace keys its storage by exact length and would otherwise
/// keep a set per shape seen). The dropped storage is collected right away, so that the new shape's storage takes its
/// place: otherwise both sets are held until the collector next runs (a full set of a training step is most of a
/// fine-tuning run's peak working set).
/// </summary>
internal sealed class BatchWorkspace
{
    private readonly Workspace workspace = new();
    private (int Batch, int Length) shape;

    /// <summary>Begins the scope of one batch (see <see cref="Workspace.Begin"/>).</summary>
    public Workspace.Scope Begin(BertInput input)
    {
        var next = (input.BatchSize, input.SequenceLength);
        if (next != shape)
        {
            if (workspace.ReservedBytes > 0)
            {
                workspace.Clear();
                GC.Collect();
            }

            shape = next;
        }

        return workspace.Begin();
    }
}
