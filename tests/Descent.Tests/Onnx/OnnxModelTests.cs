using Descent.Onnx;
using Descent.Onnx.Proto;
using Google.Protobuf;

namespace Descent.Tests.Onnx;

/// <summary>ONNX initializer import from hand-built ModelProto messages: both storage forms, and every error path.</summary>
public sealed class OnnxModelTests
{
    private static readonly float[] Values = [1.5f, -2f, 0f, float.MaxValue, 1e-30f, -0.25f];

    [Fact]
    public void ReadsRawDataAndFloatDataWithShapes()
    {
        var raw = new TensorProto { Name = "raw", DataType = 1, RawData = ByteString.CopyFrom(Bytes(Values)) };
        raw.Dims.Add([2, 3]);
        var packed = new TensorProto { Name = "packed", DataType = 1 };
        packed.Dims.Add([3, 2]);
        packed.FloatData.Add(Values);
        var scalar = new TensorProto { Name = "scalar", DataType = 1 };
        scalar.FloatData.Add(7f);
        var ints = new TensorProto { Name = "ints", DataType = 7 };
        ints.Int64Data.Add(3);
        var model = Parse(raw, packed, scalar, ints);

        var a = model.GetTensor("raw");
        Assert.Equal([2, 3], a.Shape.ToArray());
        Assert.Equal(Values, a.ToArray());
        var b = model.GetTensor("packed");
        Assert.Equal([3, 2], b.Shape.ToArray());
        Assert.Equal(Values, b.ToArray());
        Assert.Equal(0, model.GetTensor("scalar").Rank);
        Assert.Equal(7f, model.GetTensor("scalar").Item());
        Assert.Equal(["packed", "raw", "scalar"], model.GetFloatTensors().Keys.Order(StringComparer.Ordinal).ToArray());
        Assert.Equal("INT64", model.Initializers.Single(i => i.Name == "ints").DataTypeName);
    }

    [Fact]
    public void UnsupportedDataTypeIsNamed()
    {
        var ints = new TensorProto { Name = "position_ids", DataType = 7 };
        ints.Int64Data.Add(3);
        var e = Assert.Throws<OnnxFormatException>(() => Parse(ints).GetTensor("position_ids"));
        Assert.Contains("position_ids", e.Message, StringComparison.Ordinal);
        Assert.Contains("INT64", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TruncatedRawDataIsReported()
    {
        var t = new TensorProto { Name = "w", DataType = 1, RawData = ByteString.CopyFrom(Bytes(Values).AsSpan(0, 21)) };
        t.Dims.Add([2, 3]);
        var e = Assert.Throws<OnnxFormatException>(() => Parse(t).GetTensor("w"));
        Assert.Contains("needs 24 bytes", e.Message, StringComparison.Ordinal);
        Assert.Contains("found 21", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TruncatedFloatDataIsReported()
    {
        var t = new TensorProto { Name = "w", DataType = 1 };
        t.Dims.Add([2, 3]);
        t.FloatData.Add(Values.AsSpan(0, 5).ToArray());
        var e = Assert.Throws<OnnxFormatException>(() => Parse(t).GetTensor("w"));
        Assert.Contains("needs 6 float_data values, found 5", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ExternalDataMissingNamesAndBadBytesAreReported()
    {
        var t = new TensorProto { Name = "ext", DataType = 1, DataLocation = TensorProto.Types.DataLocation.External };
        t.Dims.Add(4);
        t.ExternalData.Add(new StringStringEntryProto { Key = "location", Value = "weights.bin" });
        var model = Parse(t);
        Assert.Contains("externally", Assert.Throws<OnnxFormatException>(() => model.GetTensor("ext")).Message, StringComparison.Ordinal);
        Assert.Contains("no initializer named 'nope'", Assert.Throws<OnnxFormatException>(() => model.GetTensor("nope")).Message, StringComparison.Ordinal);

        var bytes = new ModelProto { Graph = new GraphProto() }.ToByteArray().Concat(new byte[] { 0x3A, 0x7F }).ToArray();
        Assert.Throws<OnnxFormatException>(() => OnnxModel.Parse(bytes));
        Assert.Throws<OnnxFormatException>(() => OnnxModel.Parse(new ModelProto { IrVersion = 8 }.ToByteArray()));
    }

    [Fact]
    public void NodesKeepInputsOutputsAndIntAttributes()
    {
        var graph = new GraphProto();
        var node = new NodeProto { OpType = "Gemm", Name = "g" };
        node.Input.Add(["x", "w", "b"]);
        node.Output.Add("y");
        node.Attribute.Add(new AttributeProto { Name = "transB", Type = AttributeProto.Types.AttributeType.Int, I = 1 });
        graph.Node.Add(node);
        graph.Input.Add(new ValueInfoProto { Name = "x" });
        graph.Output.Add(new ValueInfoProto { Name = "y" });
        var model = OnnxModel.Parse(new ModelProto { IrVersion = 8, ProducerName = "test", Graph = graph }.ToByteArray());
        var n = Assert.Single(model.Nodes);
        Assert.Equal(["x", "w", "b"], n.Inputs);
        Assert.Equal(1, n.IntAttributes["transB"]);
        Assert.Equal(["x"], model.InputNames);
        Assert.Equal(["y"], model.OutputNames);
        Assert.Equal("test", model.ProducerName);
    }

    private static OnnxModel Parse(params TensorProto[] initializers)
    {
        var graph = new GraphProto { Name = "g" };
        graph.Initializer.Add(initializers);
        return OnnxModel.Parse(new ModelProto { IrVersion = 8, Graph = graph }.ToByteArray());
    }

    private static byte[] Bytes(float[] values)
    {
        var bytes = new byte[values.Length * 4];
        for (var i = 0; i < values.Length; i++)
        {
            BitConverter.TryWriteBytes(bytes.AsSpan(i * 4), values[i]);
        }

        return bytes;
    }
}
