using System.Diagnostics;
using WeakToStrong.Protocol;
using WeakToStrong.Results;
using WeakToStrong.Training;

namespace WeakToStrong.Sweeps;

/// <summary>
/// Runs a sweep's stages through the cache: finished stages are loaded, not recomputed; each computed stage is saved
/// atomically as soon as it ends, so a sweep killed at any point resumes where it stopped. A stage another live process
/// is computing (its lock is held) is left for later and picked up from the cache when that process finishes it.
/// Each experiment whose stages are all done goes into the results store at once. This is the local executor.
/// </summary>
public sealed class SweepRunner(StageCache cache, ResultStore? store = null) : ISweepExecutor
{
    public SweepOutcome Run(SweepPlan plan, IProgress<SweepProgress>? progress = null, IProgress<StageProgress>? stageProgress = null)
    {
        var clock = Stopwatch.StartNew();
        cache.RemoveOrphanTemporaries();
        var outputs = new Dictionary<string, StageOutput>();
        StageOutput Output(StageSpec s) => outputs.TryGetValue(s.Key, out var o) ? o
            : outputs[s.Key] = cache.TryLoad(s) ?? throw new InvalidOperationException($"stage not finished: {s.Describe()}");
        bool Finished(StageSpec s) => outputs.ContainsKey(s.Key) || cache.Contains(s);

        var cellsByStage = plan.Cells.SelectMany(c => c.Plan.Stages.Select(s => (s.Key, c))).ToLookup(x => x.Key, x => x.c);
        int total = plan.Stages.Count, executed = 0;
        var pending = plan.Stages.Where(s => !cache.Contains(s)).ToList();
        int cached = total - pending.Count, done = cached;
        double estimatedDone = 0, actualDone = 0;
        TimeSpan Remaining(IEnumerable<StageSpec> left)
        {
            double ratio = estimatedDone > 0 ? actualDone / estimatedDone : 1; // learn the machine's speed as stages finish
            return TimeSpan.FromSeconds(left.Sum(s => CostModel.Seconds(s, plan.DataOf(s))) * ratio);
        }
        void Report(SweepEvent e, StageSpec? s, IEnumerable<StageSpec> left, double? seconds = null) =>
            progress?.Report(new SweepProgress(e, done, total, executed, s, clock.Elapsed, Remaining(left), seconds));

        // The store is rebuilt from the cache for what is finished already (a previous, perhaps killed, run).
        if (store is not null)
        {
            Store(plan.Cells.Where(c => c.Plan.Stages.All(Finished)).ToList());
            store.UpsertGroundTruth(plan.Stages.Where(s => s.IsModelOnGroundTruth() && Finished(s))
                .Select(s => GroundTruthRow.Of(s, Output(s).Result)).ToList());
        }
        Report(SweepEvent.Planned, null, pending);

        GenerativeMemo? memo = null;
        (string, int)? memoData = null;
        bool TryRun(StageSpec stage, List<StageSpec> left)
        {
            if (!Finished(stage) && !stage.Upstream.All(Finished)) return false; // its labeller is being computed elsewhere
            var data = plan.DataOf(stage);
            var cached = Finished(stage) ? new StageCache.CachedOutput(Output(stage), Computed: false) : cache.TryCached(stage, () =>
            {
                Report(SweepEvent.Started, stage, left);
                if (memoData != (stage.Task, stage.Seed)) { memo?.Dispose(); memo = new GenerativeMemo(data.Split); memoData = (stage.Task, stage.Seed); }
                return Experiment.Execute(stage, data.Split, Output, memo, stageProgress);
            });
            if (cached is null) return false; // another process computes it
            outputs[stage.Key] = cached.Output;
            done++;
            left.Remove(stage);
            if (!cached.Computed)
            {
                Report(SweepEvent.FoundFinished, stage, left);
                Record(stage);
                return true;
            }
            executed++;
            estimatedDone += CostModel.Seconds(stage, data);
            actualDone += cached.Output.Seconds;
            Record(stage);
            Report(SweepEvent.Finished, stage, left, cached.Output.Seconds);
            return true;
        }
        void Record(StageSpec stage)
        {
            if (store is null) return;
            if (stage.IsModelOnGroundTruth()) store.UpsertGroundTruth([GroundTruthRow.Of(stage, Output(stage).Result)]);
            var complete = cellsByStage[stage.Key].Where(c => c.Plan.Stages.All(Finished)).ToList();
            Store(complete);
        }

        void Store(IReadOnlyList<SweepCell> cells) => SweepResults.StoreCells(plan, cells, Output, store!);

        try
        {
            var left = new List<StageSpec>(pending);
            foreach (var stage in pending.ToList()) TryRun(stage, left);
            while (left.Count > 0)
            {
                Report(SweepEvent.Waiting, left[0], left);
                Thread.Sleep(cache.PollInterval);
                foreach (var stage in left.ToList()) TryRun(stage, left);
            }
        }
        finally
        {
            memo?.Dispose();
        }
        Report(SweepEvent.Completed, null, []);
        return new SweepOutcome(total, executed, cached, plan.Cells.Count, clock.Elapsed);
    }
}
