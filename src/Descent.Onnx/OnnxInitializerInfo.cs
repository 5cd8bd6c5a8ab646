namespace Descent.Onnx;

/// <summary>Name, ONNX data type and shape of one graph initializer.</summary>
/// <param name="Name">The initializer's name in the graph.</param>
/// <param name="DataType">The ONNX <c>TensorProto.DataType</c> code (1 = FLOAT).</param>
/// <param name="DataTypeName">The data type's name, e.g. <c>FLOAT</c> or <c>INT64</c>.</param>
/// <param name="Shape">The dimensions.</param>
public sealed record OnnxInitializerInfo(string Name, int DataType, string DataTypeName, IReadOnlyList<long> Shape);
