namespace WeakToStrong.Models;

/// <summary>Shape of a GPT-2 decoder (Hugging Face config.json names: vocab_size, n_embd, n_layer, n_head, n_positions, n_inner).</summary>
public sealed record Gpt2Config(
    int VocabSize,
    int Embedding,
    int Layers,
    int Heads,
    int Positions,
    int? Inner = null,
    double LayerNormEps = 1e-5)
{
    /// <summary>The MLP width: n_inner, or 4 × n_embd when the config leaves it null (as GPT-2 does).</summary>
    public int InnerSize => Inner ?? 4 * Embedding;
}
