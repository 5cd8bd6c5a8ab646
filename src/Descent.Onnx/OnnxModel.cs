using System.Buffers.Binary;
using System.Runtime.InteropServices;
using Descent.Onnx.Proto;
using Google.Protobuf;

namespace Descent.Onnx;

/// <summary>
/// An ONNX model read with Google.Protobuf (schema subset in <c>Proto/onnx.proto</c>): its graph's initializers
/// (weights) by name, converted to Descent tensors on request, plus the graph's nodes, inputs and outputs.
/// Only float32 initializers convert (<c>raw_data</c> little-endian or <c>float_data</c>); other data types,
/// external data and truncated data raise <see cref="OnnxFormatException"/> naming the initializer.
/// </summary>
public sealed class OnnxModel
{
    private const int FloatType = (int)TensorProto.Types.DataType.Float;

    private readonly Dictionary<string, TensorProto> initializers;
    private readonly List<OnnxInitializerInfo> infos;

    private OnnxModel(ModelProto model)
    {
        var graph = model.Graph ?? throw new OnnxFormatException("The ONNX model has no graph.");
        initializers = new Dictionary<string, TensorProto>(StringComparer.Ordinal);
        infos = [];
        foreach (var t in graph.Initializer)
        {
            if (!initializers.TryAdd(t.Name, t))
            {
                throw new OnnxFormatException($"The ONNX graph has two initializers named '{t.Name}'.");
            }

            infos.Add(new OnnxInitializerInfo(t.Name, t.DataType, DataTypeName(t.DataType), t.Dims.ToArray()));
        }

        Nodes = graph.Node.Select(n => new OnnxNode(n.OpType, n.Name, n.Input.ToArray(), n.Output.ToArray(),
            n.Attribute.Where(a => a.Type == AttributeProto.Types.AttributeType.Int).ToDictionary(a => a.Name, a => a.I))).ToArray();
        InputNames = graph.Input.Select(i => i.Name).Where(n => !initializers.ContainsKey(n)).ToArray();
        OutputNames = graph.Output.Select(o => o.Name).ToArray();
        IrVersion = model.IrVersion;
        ProducerName = model.ProducerName;
    }

    /// <summary>The model's IR version.</summary>
    public long IrVersion { get; }

    /// <summary>The producer recorded in the model (e.g. <c>pytorch</c>).</summary>
    public string ProducerName { get; }

    /// <summary>All initializers in graph order.</summary>
    public IReadOnlyList<OnnxInitializerInfo> Initializers => infos;

    /// <summary>The graph's nodes in (topological) file order.</summary>
    public IReadOnlyList<OnnxNode> Nodes { get; }

    /// <summary>The graph's inputs that are not initializers.</summary>
    public IReadOnlyList<string> InputNames { get; }

    /// <summary>The graph's outputs.</summary>
    public IReadOnlyList<string> OutputNames { get; }

    /// <summary>Reads a model from a file.</summary>
    public static OnnxModel Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        using var stream = File.OpenRead(path);
        return Load(stream);
    }

    /// <summary>Reads a model from a stream (read to its end).</summary>
    public static OnnxModel Load(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return Parse(buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
    }

    /// <summary>Parses a serialized <c>ModelProto</c>.</summary>
    public static OnnxModel Parse(ReadOnlySpan<byte> bytes)
    {
        ModelProto model;
        try
        {
            model = ModelProto.Parser.ParseFrom(bytes);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new OnnxFormatException($"Not a valid ONNX model ({bytes.Length} bytes): {e.Message}", e);
        }

        return new OnnxModel(model);
    }

    /// <summary>Whether an initializer with this name exists.</summary>
    public bool Contains(string name) => initializers.ContainsKey(name);

    /// <summary>Converts one float32 initializer into a new tensor of the same shape (a scalar has shape []).</summary>
    /// <exception cref="OnnxFormatException">The name is absent, the type is not FLOAT, or the data is truncated or external.</exception>
    public Tensor GetTensor(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (!initializers.TryGetValue(name, out var t))
        {
            throw new OnnxFormatException($"The ONNX graph has no initializer named '{name}'.");
        }

        return ToTensor(t);
    }

    /// <summary>Converts every float32 initializer, by name; initializers of other types are left out.</summary>
    public IReadOnlyDictionary<string, Tensor> GetFloatTensors()
    {
        var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var (name, t) in initializers)
        {
            if (t.DataType == FloatType)
            {
                result[name] = ToTensor(t);
            }
        }

        return result;
    }

    /// <summary>The name of an ONNX data type code, or <c>code N</c> if unknown.</summary>
    public static string DataTypeName(int dataType) =>
        Enum.IsDefined(typeof(TensorProto.Types.DataType), dataType)
            ? ((TensorProto.Types.DataType)dataType).ToString().ToUpperInvariant()
            : $"code {dataType}";

    internal static Tensor ToTensor(TensorProto t)
    {
        if (t.DataType != FloatType)
        {
            throw new OnnxFormatException(
                $"Initializer '{t.Name}' has data type {DataTypeName(t.DataType)} ({t.DataType}); only FLOAT (1) is imported.");
        }

        if (t.DataLocation == TensorProto.Types.DataLocation.External || t.ExternalData.Count > 0)
        {
            throw new OnnxFormatException($"Initializer '{t.Name}' stores its data externally, which is not supported.");
        }

        var shape = new int[t.Dims.Count];
        long count = 1;
        for (var i = 0; i < shape.Length; i++)
        {
            var d = t.Dims[i];
            if (d < 0 || d > int.MaxValue)
            {
                throw new OnnxFormatException($"Initializer '{t.Name}' has invalid dimension {d} at axis {i}.");
            }

            shape[i] = (int)d;
            count *= d;
        }

        if (count > Array.MaxLength)
        {
            throw new OnnxFormatException($"Initializer '{t.Name}' has {count} elements, more than an array holds.");
        }

        var tensor = new Tensor(shape);
        var dst = tensor.Span;
        if (t.HasRawData)
        {
            var raw = t.RawData.Span;
            if (raw.Length != count * sizeof(float))
            {
                throw new OnnxFormatException(
                    $"Initializer '{t.Name}' is truncated or malformed: shape [{string.Join(", ", shape)}] needs {count * sizeof(float)} bytes of raw_data, found {raw.Length}.");
            }

            if (BitConverter.IsLittleEndian)
            {
                MemoryMarshal.Cast<byte, float>(raw).CopyTo(dst);
            }
            else
            {
                for (var i = 0; i < dst.Length; i++)
                {
                    dst[i] = BinaryPrimitives.ReadSingleLittleEndian(raw.Slice(i * 4, 4));
                }
            }
        }
        else
        {
            if (t.FloatData.Count != count)
            {
                throw new OnnxFormatException(
                    $"Initializer '{t.Name}' is truncated or malformed: shape [{string.Join(", ", shape)}] needs {count} float_data values, found {t.FloatData.Count}.");
            }

            for (var i = 0; i < dst.Length; i++)
            {
                dst[i] = t.FloatData[i];
            }
        }

        return tensor;
    }
}
