using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace WeakToStrong.Data.Sources;

/// <summary>
/// A value read from R's serialization format: enough of it for data sets (vectors, lists, data frames, factors,
/// pairlists and their attributes). Environments, closures and language objects are read but kept opaque.
/// </summary>
internal sealed class RValue
{
    public int Type { get; init; }
    /// <summary>int[] (logical, integer; NA = int.MinValue), double[], string?[] (character; null = NA),
    /// RValue[] (list, expression), byte[] (raw), string (symbol name, CHARSXP), or null.</summary>
    public object? Data { get; set; }
    /// <summary>Pairlist entries (tag, value) for LISTSXP; attributes for any value that has them.</summary>
    public List<(string? Tag, RValue Value)>? Items { get; set; }
    public List<(string? Tag, RValue Value)>? Attributes { get; set; }

    public const int Nil = 0, Symbol = 1, PairList = 2, Closure = 3, Environment = 4, Language = 6, Char = 9, Logical = 10,
        Integer = 13, Real = 14, Complex = 15, String = 16, List = 19, Expression = 20, Raw = 24, S4 = 25;

    public static readonly RValue NilValue = new() { Type = Nil };

    public RValue? Attribute(string name) => Attributes?.FirstOrDefault(a => a.Tag == name).Value;

    public string[] ClassNames => Attribute("class")?.Data as string?[] is { } c ? c.OfType<string>().ToArray() : [];

    public int Length => Data switch
    {
        int[] a => a.Length,
        double[] a => a.Length,
        string?[] a => a.Length,
        RValue[] a => a.Length,
        byte[] a => a.Length,
        _ => Items?.Count ?? 0,
    };

    /// <summary>A data frame's columns by name (tibbles are data frames too).</summary>
    public IReadOnlyDictionary<string, RValue> Columns()
    {
        if (Data is not RValue[] cols || Attribute("names")?.Data is not string?[] names)
            throw new InvalidDataException("not a data frame (a named list of columns)");
        var map = new Dictionary<string, RValue>(StringComparer.Ordinal);
        for (int i = 0; i < cols.Length; i++) map[names[i] ?? $"V{i + 1}"] = cols[i];
        return map;
    }

    /// <summary>A character, factor, integer, real or logical vector as strings (null = NA).</summary>
    public string?[] AsStrings()
    {
        if (Data is string?[] s) return s;
        if (Data is int[] ints)
        {
            if (Attribute("levels")?.Data is string?[] levels)
                return ints.Select(i => i == int.MinValue ? null : levels[i - 1]).ToArray();
            if (Type == Logical) return ints.Select(i => i == int.MinValue ? null : i != 0 ? "TRUE" : "FALSE").ToArray();
            return ints.Select(i => i == int.MinValue ? null : i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        }
        if (Data is double[] d)
            return d.Select(x => double.IsNaN(x) ? null : x.ToString("R", System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        throw new InvalidDataException($"R value of type {Type} is not an atomic vector");
    }
}

/// <summary>
/// Reads R's serialization format (XDR, versions 2 and 3), as written by saveRDS/save and inside lazy-load databases.
/// Reference: R Internals, "Serialization formats". Only the binary big-endian "X" format is supported.
/// </summary>
internal sealed class RSerializationReader
{
    private readonly byte[] _buf;
    private int _pos;
    private readonly List<RValue> _refs = [];

    private const int RefSxp = 255, NilValueSxp = 254, GlobalEnvSxp = 253, UnboundValueSxp = 252, MissingArgSxp = 251,
        BaseNamespaceSxp = 247, NamespaceSxp = 249, PackageSxp = 250, PersistSxp = 248, EmptyEnvSxp = 242, BaseEnvSxp = 241,
        AttrLangSxp = 240, AttrListSxp = 239, AltrepSxp = 238;

    private RSerializationReader(byte[] buffer) => _buf = buffer;

    /// <summary>Parses one serialized object (starting with "X\n").</summary>
    public static RValue Read(byte[] serialized)
    {
        var r = new RSerializationReader(serialized);
        if (serialized.Length < 2 || serialized[0] != (byte)'X' || serialized[1] != (byte)'\n')
            throw new InvalidDataException("not an R XDR serialization (expected 'X\\n')");
        r._pos = 2;
        int version = r.Int();
        r.Int(); r.Int(); // writer version, minimal reader version
        if (version == 3) { int n = r.Int(); r._pos += n; } // native encoding name
        else if (version != 2) throw new InvalidDataException($"R serialization version {version} is not supported");
        return r.Item();
    }

    /// <summary>Reads an .rds file (gzip-compressed or plain serialization).</summary>
    public static RValue ReadRds(string path)
    {
        var bytes = File.ReadAllBytes(path);
        if (bytes.Length > 2 && bytes[0] == 0x1f && bytes[1] == 0x8b)
        {
            using var gz = new GZipStream(new MemoryStream(bytes), CompressionMode.Decompress);
            using var ms = new MemoryStream();
            gz.CopyTo(ms);
            bytes = ms.ToArray();
        }
        return Read(bytes);
    }

    private int Int()
    {
        int v = BinaryPrimitives.ReadInt32BigEndian(_buf.AsSpan(_pos, 4));
        _pos += 4;
        return v;
    }

    private long Length()
    {
        int n = Int();
        if (n != -1) return n;
        long hi = (uint)Int(), lo = (uint)Int();
        return (hi << 32) | lo;
    }

    private RValue Item()
    {
        int flags = Int();
        int type = flags & 0xFF;
        int levels = flags >> 12;
        bool hasAttr = (flags & (1 << 9)) != 0, hasTag = (flags & (1 << 10)) != 0;
        switch (type)
        {
            case NilValueSxp: return RValue.NilValue;
            case EmptyEnvSxp: case BaseEnvSxp: case GlobalEnvSxp: case UnboundValueSxp: case MissingArgSxp: case BaseNamespaceSxp:
                return new RValue { Type = RValue.Environment };
            case RefSxp:
            {
                int index = flags >> 8;
                if (index == 0) index = Int();
                return _refs[index - 1];
            }
            case PersistSxp:
            {
                var names = StringVector();
                var v = new RValue { Type = RValue.Environment, Data = names };
                _refs.Add(v);
                return v;
            }
            case RValue.Symbol:
            {
                var name = Item();
                var v = new RValue { Type = RValue.Symbol, Data = name.Data as string };
                _refs.Add(v);
                return v;
            }
            case PackageSxp: case NamespaceSxp:
            {
                var v = new RValue { Type = RValue.Environment, Data = StringVector() };
                _refs.Add(v);
                return v;
            }
            case RValue.Environment:
            {
                var env = new RValue { Type = RValue.Environment };
                _refs.Add(env);
                Int(); // locked
                Item(); Item(); Item(); // enclosure, frame, hash table
                var attr = Item();
                if (attr.Type == RValue.PairList) env.Attributes = attr.Items;
                return env;
            }
            case RValue.PairList: case RValue.Language: case RValue.Closure: case 5 /*PROMSXP*/: case 17 /*DOTSXP*/:
            case AttrLangSxp: case AttrListSxp:
                return PairListFrom(type, hasAttr || type is AttrLangSxp or AttrListSxp, hasTag);
            case AltrepSxp:
            {
                var info = Item();
                var state = Item();
                var attr = Item();
                var v = Altrep(info, state);
                if (attr.Type == RValue.PairList) v.Attributes = attr.Items;
                return v;
            }
            case 21: // BCODESXP
                throw new InvalidDataException("R byte code is not supported");
            case RValue.S4:
            {
                var v = new RValue { Type = RValue.S4 };
                if (hasAttr) v.Attributes = Item().Items;
                return v;
            }
        }

        RValue value;
        switch (type)
        {
            case RValue.Char:
            {
                int n = Int();
                string? s = null;
                if (n >= 0)
                {
                    bool latin1 = (levels & (1 << 2)) != 0;
                    s = (latin1 ? Encoding.Latin1 : Encoding.UTF8).GetString(_buf, _pos, n);
                    _pos += n;
                }
                value = new RValue { Type = RValue.Char, Data = s };
                break;
            }
            case RValue.Logical: case RValue.Integer:
            {
                long n = Length();
                var a = new int[n];
                for (long i = 0; i < n; i++) a[i] = Int();
                value = new RValue { Type = type, Data = a };
                break;
            }
            case RValue.Real:
            {
                long n = Length();
                var a = new double[n];
                for (long i = 0; i < n; i++)
                {
                    a[i] = BinaryPrimitives.ReadDoubleBigEndian(_buf.AsSpan(_pos, 8));
                    _pos += 8;
                }
                value = new RValue { Type = type, Data = a };
                break;
            }
            case RValue.Complex:
            {
                long n = Length();
                var a = new double[2 * n];
                for (long i = 0; i < 2 * n; i++)
                {
                    a[i] = BinaryPrimitives.ReadDoubleBigEndian(_buf.AsSpan(_pos, 8));
                    _pos += 8;
                }
                value = new RValue { Type = type, Data = a };
                break;
            }
            case RValue.String:
                value = new RValue { Type = type, Data = StringVectorBody() };
                break;
            case RValue.List: case RValue.Expression:
            {
                long n = Length();
                var a = new RValue[n];
                for (long i = 0; i < n; i++) a[i] = Item();
                value = new RValue { Type = type, Data = a };
                break;
            }
            case RValue.Raw:
            {
                long n = Length();
                value = new RValue { Type = type, Data = _buf.AsSpan(_pos, (int)n).ToArray() };
                _pos += (int)n;
                break;
            }
            default:
                throw new InvalidDataException($"R serialization: unsupported type {type} at byte {_pos - 4}");
        }
        if (hasAttr) value.Attributes = Item().Items;
        return value;
    }

    private string?[] StringVector()
    {
        if (Int() != 0) throw new InvalidDataException("R serialization: unexpected string vector flags");
        return StringVectorBody();
    }

    private string?[] StringVectorBody()
    {
        long n = Length();
        var a = new string?[n];
        for (long i = 0; i < n; i++) a[i] = Item().Data as string;
        return a;
    }

    /// <summary>A pairlist-like object (pairlist, call, closure, ...) read iteratively along its CDR chain.</summary>
    private RValue PairListFrom(int type, bool hasAttr, bool hasTag)
    {
        var head = new RValue { Type = type is AttrListSxp ? RValue.PairList : type is AttrLangSxp ? RValue.Language : type, Items = [] };
        while (true)
        {
            if (hasAttr) head.Attributes ??= Item().Items;
            string? tag = hasTag ? Item().Data as string : null;
            var car = Item();
            head.Items!.Add((tag, car));
            int flags = Int();
            int t = flags & 0xFF;
            if (t is RValue.PairList or AttrListSxp && type is RValue.PairList or AttrListSxp)
            {
                hasAttr = (flags & (1 << 9)) != 0 || t == AttrListSxp;
                hasTag = (flags & (1 << 10)) != 0;
                if (hasAttr) { Item(); hasAttr = false; } // attributes on inner cells: rare, ignored
                continue;
            }
            _pos -= 4;
            var cdr = Item();
            if (cdr.Type != RValue.Nil) head.Items.Add((null, cdr));
            return head;
        }
    }

    /// <summary>ALTREP objects R writes for compact sequences, wrappers and deferred strings, expanded to plain vectors.</summary>
    private static RValue Altrep(RValue info, RValue state)
    {
        var cls = info.Items is { Count: > 0 } ? info.Items[0].Value.Data as string : null;
        switch (cls)
        {
            case "compact_intseq":
            {
                var s = (double[])state.Data!;
                long n = (long)s[0];
                int start = (int)s[1], step = (int)s[2];
                return new RValue { Type = RValue.Integer, Data = Enumerable.Range(0, (int)n).Select(i => start + i * step).ToArray() };
            }
            case "compact_realseq":
            {
                var s = (double[])state.Data!;
                return new RValue { Type = RValue.Real, Data = Enumerable.Range(0, (int)s[0]).Select(i => s[1] + i * s[2]).ToArray() };
            }
            case "wrap_integer": case "wrap_real": case "wrap_logical": case "wrap_string": case "wrap_list": case "wrap_complex": case "wrap_raw":
                return ((RValue[])state.Data!)[0];
            case "deferred_string":
            {
                var arg = state.Items is { Count: > 0 } ? state.Items[0].Value : state;
                return new RValue { Type = RValue.String, Data = arg.AsStrings() };
            }
            default:
                throw new InvalidDataException($"R serialization: unsupported ALTREP class '{cls}'");
        }
    }
}
