using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using WeakToStrong.Results;
using static TorchSharp.torch;

namespace WeakToStrong.Models;

/// <summary>
/// The safetensors format: an 8-byte little-endian header length, a JSON header (name → dtype, shape, byte range) and the
/// raw little-endian data. Written here by hand (it is 100 lines) so that we control the errors and the dtype conversions.
/// Floating tensors are read as float32 (bf16/f16 checkpoints are widened; our master weights are float32).
/// </summary>
internal static class SafeTensors
{
    public static Dictionary<string, Tensor> Read(string path)
    {
        using var file = File.OpenHandle(path);
        long fileLength = RandomAccess.GetLength(file);
        var lengthBytes = new byte[8];
        if (fileLength < 8 || RandomAccess.Read(file, lengthBytes, 0) != 8) throw Bad(path, "shorter than its 8-byte header length");
        long headerLength = BinaryPrimitives.ReadInt64LittleEndian(lengthBytes);
        if (headerLength <= 0 || headerLength > fileLength - 8 || headerLength > 1 << 30) throw Bad(path, $"header length {headerLength} does not fit the file ({fileLength} bytes)");
        var headerBytes = new byte[headerLength];
        RandomAccess.Read(file, headerBytes, 8);
        JsonObject header;
        try { header = JsonNode.Parse(headerBytes) as JsonObject ?? throw Bad(path, "its header is not a JSON object"); }
        catch (JsonException e) { throw Bad(path, "its header is not JSON: " + e.Message.Split(" Path:")[0]); }

        long dataStart = 8 + headerLength;
        var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var (name, node) in header)
        {
            if (name == "__metadata__") continue;
            var (dtype, shape, offsets) = Entry(path, name, node);
            long count = shape.Aggregate(1L, (a, d) => a * d), bytes = offsets[1] - offsets[0];
            if (offsets[0] < 0 || bytes < 0 || offsets[1] > fileLength - dataStart || bytes != count * ElementSize(dtype, name, path))
                throw Bad(path, $"tensor '{name}' ({dtype} [{string.Join(",", shape)}]) has byte range [{offsets[0]}, {offsets[1]}) that does not match its shape or the file " +
                                $"({fileLength} bytes; a file cut short ends before its last tensors)");
            var raw = new byte[bytes];
            RandomAccess.Read(file, raw, dataStart + offsets[0]);
            result[name] = ToTensor(raw, dtype, shape);
        }
        return result;
    }

    /// <summary>Writes float32 (and int64) tensors atomically (a temporary file renamed into place).</summary>
    public static void Write(string path, IEnumerable<KeyValuePair<string, Tensor>> tensors)
    {
        var header = new JsonObject();
        var blobs = new List<byte[]>();
        long offset = 0;
        foreach (var (name, value) in tensors)
        {
            var contiguous = value.detach().cpu().contiguous();
            byte[] data = contiguous.dtype switch
            {
                ScalarType.Float32 => MemoryMarshal.AsBytes(contiguous.data<float>().ToArray().AsSpan()).ToArray(),
                ScalarType.Int64 => MemoryMarshal.AsBytes(contiguous.data<long>().ToArray().AsSpan()).ToArray(),
                _ => throw new ArgumentException($"tensor '{name}': only float32 and int64 are written, not {contiguous.dtype}"),
            };
            header[name] = new JsonObject
            {
                ["dtype"] = contiguous.dtype == ScalarType.Float32 ? "F32" : "I64",
                ["shape"] = new JsonArray(contiguous.shape.Select(d => (JsonNode)d).ToArray()),
                ["data_offsets"] = new JsonArray(offset, offset + data.Length),
            };
            blobs.Add(data);
            offset += data.Length;
        }
        var json = Encoding.UTF8.GetBytes(header.ToJsonString());
        int padded = (json.Length + 7) / 8 * 8; // the format pads the header with spaces to 8-byte alignment
        AtomicFile.Write(path, stream =>
        {
            Span<byte> length = stackalloc byte[8];
            BinaryPrimitives.WriteInt64LittleEndian(length, padded);
            stream.Write(length);
            stream.Write(json);
            for (int i = json.Length; i < padded; i++) stream.WriteByte((byte)' ');
            foreach (var blob in blobs) stream.Write(blob);
        });
    }

    private static int ElementSize(string dtype, string name, string path) => dtype switch
    {
        "F32" or "I32" => 4,
        "F16" or "BF16" => 2,
        "F64" or "I64" => 8,
        "U8" or "I8" or "BOOL" => 1,
        _ => throw Bad(path, $"tensor '{name}' has dtype {dtype}; supported: F32, F16, BF16, F64, I64, I32, U8, I8, BOOL"),
    };

    private static Tensor ToTensor(byte[] raw, string dtype, long[] shape)
    {
        switch (dtype)
        {
            case "F32": return tensor(MemoryMarshal.Cast<byte, float>(raw).ToArray(), shape);
            case "F64": return tensor(MemoryMarshal.Cast<byte, double>(raw).ToArray().Select(v => (float)v).ToArray(), shape);
            case "F16": return tensor(MemoryMarshal.Cast<byte, Half>(raw).ToArray().Select(v => (float)v).ToArray(), shape);
            case "BF16":
                // bfloat16 is the top half of a float32.
                return tensor(MemoryMarshal.Cast<byte, ushort>(raw).ToArray().Select(v => BitConverter.Int32BitsToSingle(v << 16)).ToArray(), shape);
            case "I64": return tensor(MemoryMarshal.Cast<byte, long>(raw).ToArray(), shape);
            case "I32": return tensor(MemoryMarshal.Cast<byte, int>(raw).ToArray().Select(v => (long)v).ToArray(), shape);
            default: return tensor(raw.Select(v => (long)v).ToArray(), shape); // U8 / I8 / BOOL: rare buffers, never weights
        }
    }

    /// <summary>One header entry: {"dtype": "F32", "shape": [2, 3], "data_offsets": [begin, end]}.</summary>
    private static (string Dtype, long[] Shape, long[] Offsets) Entry(string path, string name, JsonNode? node)
    {
        static long[]? Longs(JsonNode? n) => n is JsonArray a && a.All(x => x is JsonValue v && v.TryGetValue<long>(out var l) && l >= 0)
            ? a.Select(x => x!.GetValue<long>()).ToArray() : null;
        if (node is JsonObject o && o["dtype"] is JsonValue d && d.TryGetValue<string>(out var dtype)
            && Longs(o["shape"]) is { } shape && Longs(o["data_offsets"]) is { Length: 2 } offsets)
            return (dtype, shape, offsets);
        throw Bad(path, $"header entry '{name}' lacks a dtype, a shape of non-negative sizes or two data offsets");
    }

    private static UserInputException Bad(string path, string what) =>
        new(path, $"is not a valid safetensors file: {what}", "The file is damaged or incomplete: download or export it again.");
}
