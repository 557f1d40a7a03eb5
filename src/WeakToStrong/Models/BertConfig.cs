namespace WeakToStrong.Models;

/// <summary>Shape of a BERT encoder. Layers may be fewer than the checkpoint has: the first Layers layers are loaded.</summary>
public sealed record BertConfig(
    int VocabSize,
    int Hidden,
    int Layers,
    int Heads,
    int Intermediate,
    int MaxPositions,
    int TypeVocabSize = 2,
    double LayerNormEps = 1e-12)
{
    /// <summary>all-MiniLM-L6-v2 and snowflake-arctic-embed-xs share this shape (head size 32).</summary>
    public static BertConfig MiniLmL6 { get; } = new(30522, 384, 6, 12, 1536, 512);

    public int HeadSize => Hidden / Heads;
}
