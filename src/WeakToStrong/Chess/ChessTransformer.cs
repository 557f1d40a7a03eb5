using TorchSharp;
using TorchSharp.Modules;
using WeakToStrong.Models;
using WeakToStrong.Data;
using static TorchSharp.torch;

namespace WeakToStrong.Chess;

/// <summary>Size of a chess model.</summary>
internal sealed record ChessModelConfig(string Name, int Width, int Layers, int Heads)
{
    public int InnerSize => 4 * Width;
}

/// <summary>
/// A transformer over the 64 squares (+ castling and en-passant tokens) that scores each legal move as the dot product of a
/// from-square query (plus a promotion vector) with a to-square key. Class k is the k-th move of the input's list; indices past
/// the list get a large negative logit, so softmax mass falls only on legal moves. The move scorer is part of the pretrained
/// body (next-move prediction trains it), so finetuning starts from the pretrained policy, as an LM head would.
/// </summary>
internal sealed class ChessTransformer : Classifier
{
    /// <summary>Logit of an index past the move list: exp underflows to 0, yet 0 · logit stays finite in the losses.</summary>
    public const float Masked = -1e4f;

    private readonly Embedding tokens;
    private readonly Parameter positions;
    private readonly ModuleList<ChessBlock> blocks;
    private readonly LayerNorm final;
    private readonly Linear query, key;
    private readonly Embedding promotions;
    private readonly Embedding movePrior, tactics, tacticsPrior;
    private readonly int _classes;

    public ChessTransformer(ChessModelConfig config, int classes) : base(config.Name)
    {
        Config = config;
        _classes = classes;
        int d = config.Width;
        tokens = nn.Embedding(BoardEncoding.Vocabulary, d);
        positions = nn.Parameter(randn(BoardEncoding.Tokens, d) * 0.02);
        blocks = nn.ModuleList(Enumerable.Range(0, config.Layers).Select(_ => new ChessBlock(d, config.Heads, config.InnerSize, BoardEncoding.Tokens)).ToArray());
        final = nn.LayerNorm(d);
        query = nn.Linear(d, d, hasBias: false);
        key = nn.Linear(d, d, hasBias: false);
        promotions = nn.Embedding(5, d);
        // A learned bias per (from, to, promotion): how often such a move is played at all, whatever the position.
        movePrior = nn.Embedding(BoardEncoding.MoveGeometry, 1);
        // The move's one-ply facts (capture, check, safety; see BoardEncoding) as a query vector and a bias.
        tactics = nn.Embedding(BoardEncoding.Tactics, d);
        tacticsPrior = nn.Embedding(BoardEncoding.Tactics, 1);
        using (no_grad())
        {
            InPlace.Zero(promotions.weight!);
            InPlace.Zero(movePrior.weight!);
            InPlace.Zero(tactics.weight!);
            InPlace.Zero(tacticsPrior.weight!);
        }
        RegisterComponents();
    }

    public ChessModelConfig Config { get; }
    public override int Classes => _classes;
    public long ParameterCount => parameters().Sum(p => p.numel());

    /// <summary>Ids: the board tokens; TypeIds: the listed moves (see <see cref="BoardEncoding"/>).</summary>
    public override EncodedInput Encode(ModelInput input)
    {
        var moves = (input.TextPair ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (moves.Length > _classes)
            throw new ArgumentException($"{input.Id}: {moves.Length} listed moves but only {_classes} classes");
        var (board, encoded) = BoardEncoding.Encode(input.Text, moves);
        return new EncodedInput(board, encoded);
    }

    public override Tensor Logits(IReadOnlyList<EncodedInput> batch)
    {
        using var scope = NewDisposeScope();
        int b = batch.Count, d = Config.Width;
        int m = Math.Max(1, batch.Max(e => e.TypeIds.Length));
        var ids = tensor(batch.SelectMany(e => e.Ids).ToArray(), [b, BoardEncoding.Tokens]);
        var x = tokens.forward(ids) + positions;
        foreach (var block in blocks) x = block.forward(x);
        var h = final.forward(x).narrow(1, 0, BoardEncoding.Squares);
        var q = query.forward(h);
        var k = key.forward(h);

        var from = new long[b * m];
        var to = new long[b * m];
        var promo = new long[b * m];
        var valid = new bool[b * m];
        var geometry = new long[b * m];
        var tactic = new long[b * m];
        for (int i = 0; i < b; i++)
            for (int j = 0; j < batch[i].TypeIds.Length; j++)
            {
                long code = batch[i].TypeIds[j];
                from[i * m + j] = code % 64;
                to[i * m + j] = code / 64 % 64;
                promo[i * m + j] = code % BoardEncoding.MoveGeometry / 4096;
                geometry[i * m + j] = code % BoardEncoding.MoveGeometry;
                tactic[i * m + j] = code / BoardEncoding.MoveGeometry;
                valid[i * m + j] = true;
            }
        Tensor Gather(Tensor source, long[] index) =>
            source.gather(1, tensor(index, [b, m]).unsqueeze(-1).expand(b, m, d));
        var tacticIds = tensor(tactic, [b, m]);
        var qf = Gather(q, from) + promotions.forward(tensor(promo, [b, m])) + tactics.forward(tacticIds);
        var kt = Gather(k, to);
        var scores = (qf * kt).sum(-1) / Math.Sqrt(d)
                     + movePrior.forward(tensor(geometry, [b, m])).squeeze(-1) + tacticsPrior.forward(tacticIds).squeeze(-1);
        scores = scores.masked_fill(tensor(valid, [b, m]).logical_not(), Masked);
        var logits = m >= _classes ? scores.narrow(1, 0, _classes) : nn.functional.pad(scores, [0, _classes - m], value: Masked);
        return logits.MoveToOuterDisposeScope();
    }
}

/// <summary>
/// A pre-LayerNorm transformer block with full self-attention over the board tokens, without dropout. Each head adds a learned
/// bias per (token, token) pair to its attention scores, so square geometry (knight jumps, diagonals, files) is cheap to learn.
/// </summary>
internal sealed class ChessBlock : nn.Module<Tensor, Tensor>
{
    private readonly int heads;
    private readonly LayerNorm ln1, ln2;
    private readonly Linear qkv, proj, fc, fcOut;
    private readonly Parameter pairBias;

    public ChessBlock(int width, int heads, int inner, int tokens) : base(nameof(ChessBlock))
    {
        this.heads = heads;
        pairBias = nn.Parameter(zeros(heads, tokens, tokens));
        ln1 = nn.LayerNorm(width);
        qkv = nn.Linear(width, 3 * width);
        proj = nn.Linear(width, width);
        ln2 = nn.LayerNorm(width);
        fc = nn.Linear(width, inner);
        fcOut = nn.Linear(inner, width);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        long b = x.shape[0], t = x.shape[1], e = x.shape[2];
        var parts = qkv.forward(ln1.forward(x)).view(b, t, 3, heads, e / heads).permute(2, 0, 3, 1, 4).unbind(0);
        var context = nn.functional.scaled_dot_product_attention(parts[0], parts[1], parts[2], pairBias.unsqueeze(0)).transpose(1, 2).reshape(b, t, e);
        x = x + proj.forward(context);
        x = x + fcOut.forward(nn.functional.gelu(fc.forward(ln2.forward(x))));
        return x.MoveToOuterDisposeScope();
    }
}
