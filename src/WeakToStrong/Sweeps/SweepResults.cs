using WeakToStrong.Protocol;
using WeakToStrong.Results;

namespace WeakToStrong.Sweeps;

/// <summary>
/// From finished stages to the results store: every experiment whose stages are all finished becomes a row, every
/// finished weak or ceiling stage a ground-truth row. The local runner does this as stages finish; the cluster executor
/// once its jobs have ended (jobs only write the cache: one writer of the SQLite file, and none on a network filesystem).
/// </summary>
internal static class SweepResults
{
    /// <summary>Fills the store from the cache; returns how many experiments it holds complete.</summary>
    public static int Collect(SweepPlan plan, StageCache cache, ResultStore store)
    {
        var outputs = new Dictionary<string, StageOutput?>();
        StageOutput? TryOutput(StageSpec s) => outputs.TryGetValue(s.Key, out var o) ? o : outputs[s.Key] = cache.TryLoad(s);
        var complete = plan.Cells.Where(c => c.Plan.Stages.All(s => TryOutput(s) is not null)).ToList();
        StoreCells(plan, complete, s => TryOutput(s)!, store);
        store.UpsertGroundTruth(plan.Stages.Where(s => s.IsModelOnGroundTruth() && TryOutput(s) is not null)
            .Select(s => GroundTruthRow.Of(s, TryOutput(s)!.Result)).ToList());
        return complete.Count;
    }

    /// <summary>Assembles the experiments of <paramref name="cells"/> (all their stages finished) and upserts them.</summary>
    internal static void StoreCells(SweepPlan plan, IReadOnlyList<SweepCell> cells, Func<StageSpec, StageOutput> output, ResultStore store)
    {
        var results = cells.Select(c => (Cell: c, Result: c.Plan.Assemble(plan.Data[(c.Task, c.Seed)].Split, plan.Data[(c.Task, c.Seed)].Report, output))).ToList();
        store.Upsert(results.Select(x => ResultRow.Of(x.Result, x.Cell.Variant)).ToList(), results.Select(x => Json.Serialize(x.Result)).ToList());
    }
}
