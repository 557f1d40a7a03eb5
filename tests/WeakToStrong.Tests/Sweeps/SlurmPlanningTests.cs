using System.Diagnostics;
using WeakToStrong.Protocol;
using WeakToStrong.Sweeps;
using WeakToStrong.Sweeps.Slurm;

namespace WeakToStrong.Tests.Sweeps;

/// <summary>How stages become Slurm job arrays, and the sbatch script's text (no cluster needed).</summary>
public class SlurmPlanningTests
{
    private static SweepPlan Plan(int bootstrap = 0) => SweepPlan.Create(
        new SweepConfig(["synthetic"], SweepFixtures.CheapLadder(), ["xent"], Bootstrap: bootstrap), _ => SweepFixtures.Synthetic());

    [Fact]
    public void LevelsRunLabellersFirstAndStudentsWaitOnlyForTheirLabellers()
    {
        var plan = Plan();
        var arrays = SlurmArray.Plan(plan.Stages);
        Assert.Equal(["l0-labellers", "l0-stages", "l1-stages"], arrays.Select(a => a.Name).ToArray());
        StageKind[] Kinds(SlurmArray a) => a.Keys.Select(k => plan.Stages.Single(s => s.Key == k).Kind).Distinct().ToArray();
        Assert.Equal([StageKind.Weak], Kinds(arrays[0]));
        Assert.Equal(2, arrays[0].Keys.Count); // bow and test-bow-b supervise a larger model
        Assert.Equal([StageKind.Ceiling], Kinds(arrays[1]));
        Assert.Equal(3, arrays[1].Keys.Count);
        Assert.Equal([StageKind.Student], Kinds(arrays[2]));
        Assert.Empty(arrays[0].DependsOn);
        Assert.Empty(arrays[1].DependsOn);
        Assert.Equal([0], arrays[2].DependsOn); // not on the ceilings
        Assert.Equal(plan.Stages.Count, arrays.Sum(a => a.Keys.Count));
        Assert.Equal(plan.Stages.Count, arrays.SelectMany(a => a.Keys).Distinct().Count());
    }

    [Fact]
    public void BootstrappingLinksFormTheirOwnLevel()
    {
        var plan = Plan(bootstrap: 1);
        var arrays = SlurmArray.Plan(plan.Stages);
        Assert.Equal(["l0-labellers", "l0-stages", "l1-labellers", "l1-stages", "l2-stages"], arrays.Select(a => a.Name).ToArray());
        var link = plan.Stages.Single(s => s.Kind == StageKind.Link);
        Assert.Equal([link.Key], arrays[2].Keys);
        Assert.Equal([0], arrays[2].DependsOn);
        Assert.Equal([0], arrays[3].DependsOn); // plain students of level 1
        var chained = plan.Stages.Single(s => s.Kind == StageKind.Student && s.Labeller?.Key == link.Key);
        Assert.Equal([chained.Key], arrays[4].Keys);
        Assert.Equal([2], arrays[4].DependsOn);
    }

    [Fact]
    public void StagesWhoseLabellerIsFinishedStartAtLevelZero()
    {
        var students = Plan().Stages.Where(s => s.Kind == StageKind.Student).ToList();
        var arrays = SlurmArray.Plan(students);
        var single = Assert.Single(arrays);
        Assert.Equal(0, single.Level);
        Assert.Empty(single.DependsOn);
        Assert.Equal(students.Select(s => s.Key), single.Keys);
    }

    [Fact]
    public void LargeLevelsAreSplitAndTheNextLevelWaitsForEveryPart()
    {
        var arrays = SlurmArray.Plan(Plan().Stages, maxArraySize: 1);
        Assert.Equal(["l0-labellers-1", "l0-labellers-2", "l0-stages-1", "l0-stages-2", "l0-stages-3", "l1-stages-1", "l1-stages-2", "l1-stages-3"],
            arrays.Select(a => a.Name).ToArray());
        Assert.All(arrays.Where(a => a.Level == 1), a => Assert.Equal([0, 1], a.DependsOn));
    }

    [Fact]
    public void ScriptCarriesEveryOptionRunsOneStageAndIsValidBash()
    {
        var plan = Plan();
        var arrays = SlurmArray.Plan(plan.Stages);
        var results = Path.Combine(Path.GetTempPath(), "w2s results");
        var submission = new SlurmSubmission(3, DateTime.UtcNow, plan.Config, "/home/me", arrays, plan.Stages) { Folder = Path.Combine(results, "slurm", "003") };
        var options = new SlurmOptions(["/opt/my w2s/w2s"], Partition: "gpu", Time: "1:00:00", CpusPerTask: 4, Memory: "8G", ExtraOptions: ["--gres=gpu:1"]);
        var text = SlurmScript.Text(submission, arrays[1], options, results);

        Assert.StartsWith("#!/bin/bash\n", text);
        foreach (var line in new[]
                 {
                     "#SBATCH --job-name=w2s-3-l0-stages", "#SBATCH --array=0-2", "#SBATCH --partition=gpu", "#SBATCH --time=1:00:00",
                     "#SBATCH --cpus-per-task=4", "#SBATCH --mem=8G", "#SBATCH --gres=gpu:1",
                     $"#SBATCH --output={Path.Combine(results, "slurm", "003", "logs", "array-1_%a.log")}",
                 })
            Assert.Contains(line + "\n", text);
        Assert.DoesNotContain("--dependency", text); // given on sbatch's command line, with the job ids
        Assert.Contains($"'/opt/my w2s/w2s' sweep-stage '{results}' --submission 3 --array 1 --index \"$SLURM_ARRAY_TASK_ID\" --threads \"${{SLURM_CPUS_PER_TASK:-1}}\"", text);
        Assert.Contains("echo \"exit $code\" > \"$status\"", text);

        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, text);
            var check = Process.Start(new ProcessStartInfo("bash", ["-n", file]) { RedirectStandardError = true })!;
            var error = check.StandardError.ReadToEnd();
            check.WaitForExit();
            Assert.True(check.ExitCode == 0, error);
        }
        finally { File.Delete(file); }
    }

    [Theory]
    [InlineData("/shared/w2s/w2s.dll", "/shared/w2s/w2s.dll")]
    [InlineData("a b", "'a b'")]
    [InlineData("it's", "'it'\\''s'")]
    [InlineData("$HOME", "'$HOME'")]
    [InlineData("", "''")]
    public void WordsAreQuotedForBash(string word, string quoted) => Assert.Equal(quoted, SlurmScript.Quote(word));
}
