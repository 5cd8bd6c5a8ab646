namespace Descent.Onnx;

/// <summary>
/// Thrown when an ONNX model cannot be read into Descent tensors: the protobuf is malformed, an initializer has
/// a data type Descent does not import, its data is truncated or stored externally, or a requested name is absent.
/// </summary>
public sealed class OnnxFormatException : Exception
{
    /// <summary>Creates the exception with a message.</summary>
    public OnnxFormatException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the underlying cause.</summary>
    public OnnxFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
