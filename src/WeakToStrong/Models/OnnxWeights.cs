using System.Runtime.InteropServices;
using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace WeakToStrong.Models;

/// <summary>One ONNX initializer. Data holds the values for FLOAT tensors and is empty for every other data type.</summary>
internal sealed record OnnxTensor(string Name, long[] Dims, int DataType, float[] Data)
{
    public const int Float = 1;
}

/// <summary>One graph node, kept because some exporters leave weights anonymous and only graph order identifies them.</summary>
internal sealed record OnnxNode(string Name, string OpType, IReadOnlyList<string> Inputs, IReadOnlyList<string> Outputs);

/// <summary>
/// The initializers and node list of an ONNX ModelProto, read field by field with CodedInputStream (no generated classes).
/// Only the fields we need are decoded; everything else is skipped without being materialised.
/// </summary>
public sealed class OnnxWeights
{
    private readonly Dictionary<string, OnnxTensor> _initializers = new(StringComparer.Ordinal);
    private readonly List<OnnxNode> _nodes = new();

    internal IReadOnlyDictionary<string, OnnxTensor> Initializers => _initializers;

    /// <summary>Nodes in graph order (ONNX requires topological order, which for BERT exports follows the layer order).</summary>
    internal IReadOnlyList<OnnxNode> Nodes => _nodes;

    internal OnnxTensor this[string name] =>
        _initializers.TryGetValue(name, out var t) ? t : throw new KeyNotFoundException($"ONNX initializer '{name}' not found.");

    /// <summary>
    /// The weight W [in, out] of a Linear layer exported as Add(bias, MatMul(x, W)), found through the graph: exporters
    /// often leave W anonymous (e.g. "onnx::MatMul_788" or "927") while the bias keeps its PyTorch name.
    /// </summary>
    internal OnnxTensor MatMulWeightForBias(string biasName)
    {
        _weightByBias ??= BuildWeightByBias();
        return _weightByBias.TryGetValue(biasName, out var w)
            ? w
            : throw new KeyNotFoundException($"No MatMul weight feeds an Add with bias '{biasName}'.");
    }

    private Dictionary<string, OnnxTensor>? _weightByBias;

    private Dictionary<string, OnnxTensor> BuildWeightByBias()
    {
        var producer = new Dictionary<string, OnnxNode>(StringComparer.Ordinal);
        foreach (var node in _nodes)
            foreach (var output in node.Outputs) producer[output] = node;

        var map = new Dictionary<string, OnnxTensor>(StringComparer.Ordinal);
        foreach (var add in _nodes.Where(n => n.OpType == "Add" && n.Inputs.Count == 2))
        {
            for (int i = 0; i < 2; i++)
            {
                string bias = add.Inputs[i], other = add.Inputs[1 - i];
                if (!_initializers.ContainsKey(bias) || !producer.TryGetValue(other, out var matmul)) continue;
                if (matmul.OpType == "MatMul" && matmul.Inputs.Count == 2 && _initializers.TryGetValue(matmul.Inputs[1], out var w))
                    map[bias] = w;
            }
        }
        return map;
    }

    /// <summary>Reads a model from a stream without buffering the whole file first.</summary>
    public static OnnxWeights Read(Stream stream)
    {
        var weights = new OnnxWeights();
        var input = new CodedInputStream(stream, leaveOpen: true);
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            if (tag == Tag(7, WireFormat.WireType.LengthDelimited))
                input.ReadMessage(new Graph(weights));
            else
                input.SkipLastField();
        }
        return weights;
    }

    private static uint Tag(int field, WireFormat.WireType type) => WireFormat.MakeTag(field, type);

    /// <summary>
    /// CodedInputStream.ReadMessage scopes a nested message to its length for us; these small IMessage shims are the
    /// callbacks it drives. They are parse-only, so the writing half of IMessage is unsupported.
    /// </summary>
    private abstract class ParseOnly : IMessage
    {
        public abstract void MergeFrom(CodedInputStream input);
        public void WriteTo(CodedOutputStream output) => throw new NotSupportedException();
        public int CalculateSize() => throw new NotSupportedException();
        public MessageDescriptor Descriptor => throw new NotSupportedException();
    }

    private sealed class Graph(OnnxWeights target) : ParseOnly
    {
        public override void MergeFrom(CodedInputStream input)
        {
            uint tag;
            while ((tag = input.ReadTag()) != 0)
            {
                if (tag == Tag(1, WireFormat.WireType.LengthDelimited))
                {
                    var node = new Node();
                    input.ReadMessage(node);
                    target._nodes.Add(new OnnxNode(node.Name, node.OpType, node.Inputs, node.Outputs));
                }
                else if (tag == Tag(5, WireFormat.WireType.LengthDelimited))
                {
                    var tensor = new TensorReader();
                    input.ReadMessage(tensor);
                    var t = tensor.Build();
                    target._initializers[t.Name] = t;
                }
                else input.SkipLastField();
            }
        }
    }

    private sealed class Node : ParseOnly
    {
        public readonly List<string> Inputs = new(), Outputs = new();
        public string Name = "", OpType = "";

        public override void MergeFrom(CodedInputStream input)
        {
            uint tag;
            while ((tag = input.ReadTag()) != 0)
            {
                switch (WireFormat.GetTagFieldNumber(tag))
                {
                    case 1: Inputs.Add(input.ReadString()); break;
                    case 2: Outputs.Add(input.ReadString()); break;
                    case 3: Name = input.ReadString(); break;
                    case 4: OpType = input.ReadString(); break;
                    default: input.SkipLastField(); break;
                }
            }
        }
    }

    private sealed class TensorReader : ParseOnly
    {
        private readonly List<long> _dims = new();
        private readonly List<float> _floatData = new();
        private int _dataType;
        private string _name = "";
        private ByteString? _raw;

        public override void MergeFrom(CodedInputStream input)
        {
            uint tag;
            while ((tag = input.ReadTag()) != 0)
            {
                int field = WireFormat.GetTagFieldNumber(tag);
                var wire = WireFormat.GetTagWireType(tag);
                switch (field)
                {
                    case 1 when wire == WireFormat.WireType.LengthDelimited: // packed dims
                        int end = input.ReadLength();
                        long start = input.Position;
                        while (input.Position - start < end) _dims.Add(input.ReadInt64());
                        break;
                    case 1: _dims.Add(input.ReadInt64()); break;
                    case 2: _dataType = input.ReadInt32(); break;
                    case 4 when wire == WireFormat.WireType.LengthDelimited: // packed float_data
                        int bytes = input.ReadLength();
                        for (int i = 0; i < bytes / 4; i++) _floatData.Add(input.ReadFloat());
                        break;
                    case 4: _floatData.Add(input.ReadFloat()); break;
                    case 8: _name = input.ReadString(); break;
                    case 9: _raw = input.ReadBytes(); break;
                    default: input.SkipLastField(); break;
                }
            }
        }

        public OnnxTensor Build()
        {
            float[] data = [];
            if (_dataType == OnnxTensor.Float)
            {
                // raw_data is little-endian IEEE floats, which is also this machine's layout: one copy into a float[].
                data = _raw is { Length: > 0 }
                    ? MemoryMarshal.Cast<byte, float>(_raw.Span).ToArray()
                    : _floatData.ToArray();
                if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("Big-endian hosts are not supported.");
            }
            return new OnnxTensor(_name, _dims.ToArray(), _dataType, data);
        }
    }
}
