using System.Globalization;
using Descent.Nn;
using Descent.Optimizers;

namespace Descent.Distributed;

/// <summary>
/// ZeRO stage 1 (Rajbhandari et al., 2020, "ZeRO: Memory Optimizations Toward Training Trillion Parameter Models";
/// PyTorch's <c>ZeroRedundancyOptimizer</c>): wraps an optimizer so that each of the N ranks of a data-parallel job holds
/// and steps the optimizer state of only its 1/N of the flat parameter range, then all-gathers the updated parameters.
/// Use it as the <see cref="Training.Learner"/>'s optimizer together with <see cref="DataParallel"/> (which all-reduces the
/// gradients first). The parameters after every step are those of the wrapped optimizer stepping everything (the update
/// of each element, or each tensor, is the same computation on the same gradient).
/// </summary>
/// <remarks>
/// <para>Partitioning (<see cref="Partitioning"/>): an optimizer whose update and state are element-wise
/// (<see cref="Optimizer.StateIsElementwise"/>) is split by elements — a copy of it steps views of this rank's range of
/// each parameter group; any other (Muon, Adafactor, 8-bit Adam, …) is split by whole parameters — the wrapped optimizer
/// steps this rank's parameters only, the others' gradients being cleared first, so it never creates their state.</para>
/// <para>State and checkpoints: <see cref="LocalStateBytes"/> is this rank's share. <see cref="ConsolidateState"/> (a
/// collective, run by <see cref="DataParallel"/> before checkpoints are written) gathers the full state so that
/// <see cref="GetState"/> answers for every parameter until the next step; <see cref="SetParameterState"/> takes full
/// states (a resume), each rank keeping its share at the next step — so a checkpoint resumes on any number of ranks.</para>
/// <para>The parameter groups are the wrapped optimizer's (a schedule sets their learning rate; the copy follows at every
/// step). Every parameter must have a gradient at every step. Communication per step: the gradient all-reduce of
/// <see cref="DataParallel"/> plus one all-gather of the parameters ((N−1)/N × 4 bytes per element received).</para>
/// </remarks>
public sealed class ZeroRedundancyOptimizer : Optimizer
{
    private readonly Dictionary<Parameter, ParameterState> consolidated = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<Parameter, ParameterState> loaded = new(ReferenceEqualityComparer.Instance);
    private readonly int[] counts;
    private readonly int[] displacements;
    private readonly int firstOwned;
    private readonly int endOwned;
    private readonly Optimizer? shard;
    private readonly List<(int Group, Parameter View, int Start)> views = [];

    /// <summary>Wraps <paramref name="inner"/> (all of whose parameters are flattened into one arena here when they are
    /// not already) for <paramref name="communicator"/>'s job.</summary>
    public ZeroRedundancyOptimizer(Optimizer inner, Communicator communicator)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentNullException.ThrowIfNull(communicator);
        if (inner is ZeroRedundancyOptimizer)
        {
            throw new ArgumentException("the optimizer is already sharded", nameof(inner));
        }

        Inner = inner;
        Communicator = communicator;
        Layout = FlatLayout.Of([.. inner.Groups.SelectMany(g => g.Parameters)]);
        Partitioning = inner.StateIsElementwise ? ZeroPartitioning.Elements : ZeroPartitioning.Parameters;
        var n = communicator.Size;
        counts = new int[n];
        displacements = new int[n];
        if (Partitioning == ZeroPartitioning.Elements)
        {
            for (var r = 0; r < n; r++)
            {
                (displacements[r], counts[r]) = Training.DataLoader.ShardRange(Layout.Length, r, n);
            }
        }
        else
        {
            PartitionByParameter(Layout, counts, displacements);
        }

        OwnedStart = displacements[communicator.Rank];
        OwnedLength = counts[communicator.Rank];
        firstOwned = Array.FindIndex(Layout.Offsets, o => o >= OwnedStart);
        endOwned = Array.FindIndex(Layout.Offsets, o => o >= OwnedStart + OwnedLength);
        if (Partitioning == ZeroPartitioning.Elements)
        {
            shard = CreateShard();
        }
    }

    /// <summary>The wrapped optimizer.</summary>
    public Optimizer Inner { get; }

    /// <summary>The job's communicator.</summary>
    public Communicator Communicator { get; }

    /// <summary>How the parameters are divided among the ranks.</summary>
    public ZeroPartitioning Partitioning { get; }

    /// <summary>Start of this rank's range in the flat parameter range (elements).</summary>
    public int OwnedStart { get; }

    /// <summary>Elements in this rank's range.</summary>
    public int OwnedLength { get; }

    /// <summary>Bytes of optimizer state this rank holds (its share only; consolidated copies not counted).</summary>
    public long LocalStateBytes => shard?.StateBytes ?? OwnedParameterStateBytes();

    /// <inheritdoc />
    public override string Name => Inner.Name;

    /// <inheritdoc />
    public override IReadOnlyList<ParameterGroup> Groups => Inner.Groups;

    /// <inheritdoc />
    public override bool StateIsElementwise => Inner.StateIsElementwise;

    internal FlatLayout Layout { get; }

    /// <inheritdoc />
    public override void Step()
    {
        consolidated.Clear();
        if (shard is not null)
        {
            StepShard(shard);
        }
        else
        {
            StepOwnedParameters();
        }

        Communicator.AllGatherInPlace(Layout.ValueRange.Span, counts, displacements);
    }

    /// <summary>This rank's full state of <paramref name="parameter"/>: after <see cref="ConsolidateState"/> (until the
    /// next step) every parameter's; otherwise, split by parameters, the state of this rank's parameters, and null for the
    /// others and for every parameter when split by elements.</summary>
    public override ParameterState? GetState(Parameter parameter) =>
        consolidated.TryGetValue(parameter, out var s) ? s
        : loaded.TryGetValue(parameter, out s) ? s
        : shard is null ? Inner.GetState(parameter) : null;

    /// <inheritdoc />
    public override ParameterGroup AddParameterGroup(IEnumerable<Parameter> parameters, OptimizerOptions options, string? name = null) =>
        throw new NotSupportedException("add parameter groups to the wrapped optimizer before wrapping it in a ZeroRedundancyOptimizer");

    /// <inheritdoc />
    public override ParameterState CreateInitialState(Parameter parameter) => Inner.CreateInitialState(parameter);

    /// <summary>Sets the full state of <paramref name="parameter"/> (e.g. from a checkpoint); at the next step this rank
    /// keeps only its share.</summary>
    public override void SetParameterState(Parameter parameter, ParameterState? state)
    {
        ArgumentNullException.ThrowIfNull(parameter);
        if (Layout.IndexOf(parameter) < 0)
        {
            throw new ArgumentException("the parameter does not belong to this optimizer", nameof(parameter));
        }

        consolidated.Remove(parameter);
        if (state is null)
        {
            loaded.Remove(parameter);
        }
        else
        {
            loaded[parameter] = state;
        }

        if (shard is null)
        {
            Inner.SetParameterState(parameter, state);
        }
    }

    /// <summary>Gathers the full optimizer state on every rank (a collective: every rank must call it) so that
    /// <see cref="GetState"/> answers for every parameter until the next step — what a checkpoint needs. Needs state
    /// tensors with one value per parameter element (not packed 8-bit or factored state).</summary>
    public void ConsolidateState()
    {
        consolidated.Clear();
        Span<double> step = stackalloc double[1];
        Span<int> has = stackalloc int[1];
        var ps = Layout.Parameters;
        for (var i = 0; i < ps.Length; i++)
        {
            var p = ps[i];
            var sources = SourcesOf(i);
            has[0] = sources.Count > 0 ? 1 : 0;
            Communicator.AllReduce(has, ReductionOperation.Max);
            if (has[0] == 0)
            {
                continue;
            }

            var full = Inner.CreateInitialState(p);
            if (full.PackedBuffers.Any())
            {
                throw new NotSupportedException(
                    $"{Name}'s state is packed (8-bit or bf16 buffers): a ZeroRedundancyOptimizer cannot gather it for a checkpoint");
            }

            var keys = full.Tensors.ToList();
            foreach (var kv in keys)
            {
                kv.Value.Span.Clear();
            }

            step[0] = 0;
            foreach (var (source, from, to, sourceStart) in sources)
            {
                var k = 0;
                foreach (var kv in source.Tensors)
                {
                    if (k >= keys.Count || kv.Key != keys[k].Key || kv.Value.Length < sourceStart + (to - from))
                    {
                        throw new NotSupportedException(
                            $"{Name}'s state tensor '{kv.Key}' is not element-wise: a ZeroRedundancyOptimizer cannot gather it for a checkpoint");
                    }

                    kv.Value.Span.Slice(sourceStart, to - from).CopyTo(keys[k].Value.Span.Slice(from, to - from));
                    k++;
                }

                step[0] = Math.Max(step[0], source.Step);
            }

            Communicator.AllReduce(step, ReductionOperation.Max);
            foreach (var kv in keys)
            {
                Communicator.AllReduce(kv.Value.Span);
            }

            full.Step = (long)step[0];
            consolidated[p] = full;
        }
    }

    /// <summary>The pieces of parameter <paramref name="index"/>'s state this rank holds: (state, start and end within the
    /// parameter, start within the state's tensors).</summary>
    private List<(ParameterState State, int From, int To, int SourceStart)> SourcesOf(int index)
    {
        var list = new List<(ParameterState, int, int, int)>();
        var p = Layout.Parameters[index];
        var start = Layout.Offsets[index];
        var end = Layout.Offsets[index + 1];
        if (shard is null)
        {
            if (index >= firstOwned && index < endOwned && Inner.GetState(p) is { } s)
            {
                list.Add((s, 0, p.Length, 0));
            }

            return list;
        }

        foreach (var (_, view, viewStart) in views)
        {
            var a = Math.Max(start, viewStart);
            var b = Math.Min(end, viewStart + view.Length);
            if (a < b && shard.GetState(view) is { } s)
            {
                list.Add((s, a - start, b - start, a - viewStart));
            }
        }

        return list;
    }

    private Optimizer CreateShard()
    {
        // A fresh optimizer of the same type (constructor (parameters, options), as every optimizer has) holding views of
        // this rank's range of each group; its groups follow the wrapped optimizer's options at every step.
        var groups = Inner.Groups;
        var first = groups[0].BaseOptions;
        var copy = (Optimizer?)Activator.CreateInstance(Inner.GetType(), [Array.Empty<Parameter>(), first])
            ?? throw new NotSupportedException($"{Inner.GetType().Name} cannot be created from (parameters, options)");
        copy.KernelPath = Inner.KernelPath;
        var offset = 0;
        for (var g = 0; g < groups.Count; g++)
        {
            var length = groups[g].Parameters.Sum(p => p.Length);
            var a = Math.Max(offset, OwnedStart);
            var b = Math.Min(offset + length, OwnedStart + OwnedLength);
            var viewList = new List<Parameter>();
            if (a < b)
            {
                var view = new Parameter(b - a);
                Layout.Values.AsSpan(Layout.ValuesStart + a, b - a).CopyTo(view.Span);
                view.MoveStorage(Layout.Values, Layout.ValuesStart + a);
                view.Grad = new Tensor(Layout.Gradients, Layout.GradientsStart + a, [b - a]);
                views.Add((g, view, a));
                viewList.Add(view);
            }

            copy.AddParameterGroup(viewList, groups[g].BaseOptions, groups[g].Name);
            offset += length;
        }

        return copy;
    }

    private void StepShard(Optimizer copy)
    {
        var ps = Layout.Parameters;
        for (var i = 0; i < ps.Length; i++)
        {
            if (Layout.Offsets[i + 1] > OwnedStart && Layout.Offsets[i] < OwnedStart + OwnedLength && ps[i].Grad is null)
            {
                throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture,
                    $"parameter {i} (shape {string.Join('×', ps[i].Shape.ToArray())}) has no gradient: an element-sharded ZeroRedundancyOptimizer needs every parameter's gradient at every step"));
            }
        }

        var copyGroups = copy.Groups;
        for (var g = 0; g < Inner.Groups.Count; g++)
        {
            copyGroups[g + 1].BaseOptions = Inner.Groups[g].BaseOptions;
        }

        if (loaded.Count > 0)
        {
            LoadShardState(copy);
        }

        copy.Step();
    }

    private void LoadShardState(Optimizer copy)
    {
        foreach (var (_, view, viewStart) in views)
        {
            var state = copy.CreateInitialState(view);
            var keys = state.Tensors.ToList();
            long step = 0;
            for (var i = 0; i < Layout.Parameters.Length; i++)
            {
                var a = Math.Max(Layout.Offsets[i], viewStart);
                var b = Math.Min(Layout.Offsets[i + 1], viewStart + view.Length);
                if (a >= b)
                {
                    continue;
                }

                if (!loaded.TryGetValue(Layout.Parameters[i], out var full))
                {
                    throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture,
                        $"the loaded optimizer state covers some parameters but not parameter {i}: load every parameter's state or none"));
                }

                var k = 0;
                foreach (var kv in full.Tensors)
                {
                    kv.Value.Span.Slice(a - Layout.Offsets[i], b - a).CopyTo(keys[k++].Value.Span.Slice(a - viewStart, b - a));
                }

                step = full.Step;
            }

            state.Step = step;
            copy.SetParameterState(view, state);
        }

        loaded.Clear();
    }

    private void StepOwnedParameters()
    {
        var ps = Layout.Parameters;
        for (var i = 0; i < ps.Length; i++)
        {
            if (i < firstOwned || i >= endOwned)
            {
                ps[i].ZeroGrad();
                if (Inner.GetState(ps[i]) is not null)
                {
                    Inner.SetParameterState(ps[i], null); // a loaded or consolidated copy of another rank's share
                }
            }
        }

        loaded.Clear();
        Inner.Step();
    }

    private long OwnedParameterStateBytes()
    {
        long total = 0;
        for (var i = firstOwned; i < endOwned; i++)
        {
            total += Inner.GetState(Layout.Parameters[i])?.Bytes ?? 0;
        }

        return total;
    }

    private static void PartitionByParameter(FlatLayout layout, int[] counts, int[] displacements)
    {
        // Rank r's range ends at the parameter boundary nearest to (r + 1) × total / N (never before its start).
        var n = counts.Length;
        var start = 0;
        var index = 0;
        for (var r = 0; r < n; r++)
        {
            var target = (long)layout.Length * (r + 1) / n;
            while (index < layout.Parameters.Length
                && Math.Abs(layout.Offsets[index + 1] - target) <= Math.Abs(layout.Offsets[index] - target))
            {
                index++;
            }

            var end = r == n - 1 ? layout.Length : Math.Max(start, layout.Offsets[index]);
            displacements[r] = start;
            counts[r] = end - start;
            start = end;
        }
    }
}
