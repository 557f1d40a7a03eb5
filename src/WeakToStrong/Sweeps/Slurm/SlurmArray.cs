using WeakToStrong.Protocol;

namespace WeakToStrong.Sweeps.Slurm;

/// <summary>
/// One Slurm job array of a submission: the stages it runs (array task i runs Keys[i]), its dependency level, and the
/// arrays (by index in the submission) it waits for with afterany. JobId is set once sbatch accepted it.
/// </summary>
internal sealed record SlurmArray(int Index, string Name, int Level, IReadOnlyList<string> Keys, IReadOnlyList<int> DependsOn, string? JobId = null)
{
    /// <summary>
    /// Groups the stages to run into arrays. A stage's level is 0 when its labeller (an ensemble: its members, see
    /// StageSpec.Upstream) is not among them (none, or finished already), else its labeller's level + 1: weak supervisors and ceilings, then bootstrapping links, then students.
    /// Each level is split into the stages that label a later one and the rest, so the next level waits only for its
    /// labellers (a student does not wait for the largest model's ceiling). afterany, not afterok: one failed stage does
    /// not cancel the others; a stage whose labeller failed fails at once, saying so.
    /// </summary>
    public static IReadOnlyList<SlurmArray> Plan(IReadOnlyList<StageSpec> stages, int maxArraySize = 1000)
    {
        if (maxArraySize < 1) throw new ArgumentException("the largest array must hold at least one stage");
        var keys = stages.Select(s => s.Key).ToHashSet();
        var levels = new Dictionary<string, int>();
        int LevelOf(StageSpec s) => levels.TryGetValue(s.Key, out int l) ? l
            : levels[s.Key] = s.Upstream.Where(u => keys.Contains(u.Key)).Select(u => LevelOf(u) + 1).DefaultIfEmpty(0).Max();
        var labellers = stages.SelectMany(s => s.Upstream).Where(u => keys.Contains(u.Key)).Select(u => u.Key).ToHashSet();

        var arrays = new List<SlurmArray>();
        List<int> previous = [];
        foreach (var level in stages.GroupBy(LevelOf).OrderBy(g => g.Key))
        {
            var current = new List<int>();
            foreach (var (labels, group) in new[] { (true, level.Where(s => labellers.Contains(s.Key))), (false, level.Where(s => !labellers.Contains(s.Key))) })
            {
                var chunks = group.Select(s => s.Key).Chunk(maxArraySize).ToList();
                for (int c = 0; c < chunks.Count; c++)
                {
                    string name = $"l{level.Key}-{(labels ? "labellers" : "stages")}{(chunks.Count > 1 ? $"-{c + 1}" : "")}";
                    arrays.Add(new SlurmArray(arrays.Count, name, level.Key, chunks[c], previous));
                    if (labels) current.Add(arrays.Count - 1);
                }
            }
            previous = current;
        }
        return arrays;
    }
}
