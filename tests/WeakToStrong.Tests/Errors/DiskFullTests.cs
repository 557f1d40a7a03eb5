using System.Diagnostics;
using WeakToStrong.Results;
using WeakToStrong.Sweeps;
using WeakToStrong.Tests.Sweeps;

namespace WeakToStrong.Tests.Errors;

/// <summary>
/// A test that needs a small full file system: a tmpfs mounted in a private mount namespace (`unshare --mount
/// --map-root-user`), so nothing outside the test process sees it and nothing is left mounted. Skipped, saying why,
/// where the kernel or the container does not allow that.
/// </summary>
public sealed class TmpfsFactAttribute : FactAttribute
{
    private static readonly Lazy<string?> Reason = new(() =>
    {
        var dir = Directory.CreateTempSubdirectory("w2s-tmpfs-probe-").FullName;
        try
        {
            var (exit, _, err) = FullDisk.Shell(dir, 64, "true");
            return exit == 0 ? null : $"cannot mount a tmpfs in a private namespace here (unshare/mount: {err.Trim()})";
        }
        catch (Exception e) { return $"cannot run unshare ({e.Message})"; }
        finally { Directory.Delete(dir, true); }
    });

    public TmpfsFactAttribute()
    {
        if (Reason.Value is { } reason) Skip = reason;
    }
}

/// <summary>Runs a shell script with a small tmpfs mounted over a folder, filled to leave a few KB free.</summary>
internal static class FullDisk
{
    public static string W2s => $"dotnet {Path.Combine(AppContext.BaseDirectory, "w2s.dll")}";

    /// <summary>
    /// $1 is the mounted folder, $FILLER a file taking all but <paramref name="freeKb"/> KB of it; `snapshot NAME` copies
    /// what the mount holds (but the filler) to <paramref name="snapshots"/>/NAME, to be inspected after the mount is gone.
    /// </summary>
    public static (int Exit, string Out, string Err) Shell(string folder, int freeKb, string script, string? snapshots = null)
    {
        const int sizeKb = 1024;
        var start = new ProcessStartInfo("unshare") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "--mount", "--map-root-user", "sh", "-c",
                     $"mount -t tmpfs -o size={sizeKb}k w2s-full \"$1\" || exit 97; FILLER=\"$1/filler\"; " +
                     $"head -c {(sizeKb - freeKb) * 1024} /dev/zero > \"$FILLER\" 2>/dev/null; " +
                     "MOUNT=\"$1\"; SNAPSHOTS=\"$2\"; " +
                     "snapshot() { mkdir -p \"$SNAPSHOTS/$1\" && find \"$MOUNT\" -mindepth 1 -maxdepth 1 ! -name filler -exec cp -a {} \"$SNAPSHOTS/$1/\" \\; ; }; " +
                     script, "sh", folder, snapshots ?? Path.Combine(folder, "..", "snapshots") })
            start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(3)))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"the script did not end within 3 minutes: {script}");
        }
        process.WaitForExit();
        return (process.ExitCode, output.Result, error.Result);
    }
}

/// <summary>Disk full during sweep, run and report: a named error (exit 2), no half-written file, and a rerun that resumes.</summary>
public sealed class DiskFullTests : IDisposable
{
    private readonly string _work = SweepFixtures.TempFolder();
    private readonly string _mount;

    public DiskFullTests()
    {
        _mount = Path.Combine(_work, "full");
        Directory.CreateDirectory(_mount);
    }

    public void Dispose() => Directory.Delete(_work, recursive: true);

    private string Data()
    {
        var path = Path.Combine(_work, "soup.jsonl");
        File.WriteAllLines(path, Enumerable.Range(0, 200).Select(BadInputFolder.Good));
        return path;
    }

    /// <summary>What a killed or failed write must never leave: temporaries, or JSON files that do not parse.</summary>
    private static void AssertNothingHalfWritten(string snapshot)
    {
        Assert.True(Directory.Exists(snapshot), $"no snapshot {snapshot}");
        Assert.Empty(Directory.EnumerateFiles(snapshot, "*.tmp", SearchOption.AllDirectories));
        foreach (var json in Directory.EnumerateFiles(snapshot, "*.json", SearchOption.AllDirectories))
            System.Text.Json.JsonDocument.Parse(File.ReadAllText(json)).Dispose();
    }

    private string Snapshots => Path.Combine(_work, "snapshots");

    [TmpfsFact]
    public void SweepOnAFullDiskNamesTheFileAndWritesNothingHalf()
    {
        var (exit, stdout, err) = FullDisk.Shell(_mount, 0,
            $"{FullDisk.W2s} sweep --tasks {Data()} --models bow,minilm-l1 --losses xent --seeds 1 --threads 1 --out \"$1/results\"; echo EXIT=$?; snapshot after",
            Snapshots);
        Assert.True(exit == 0, err);
        Assert.Contains("EXIT=2", stdout);
        Assert.Contains($"w2s: error: {_mount}/results/sweep.json: could not be written: no space left on the device", err);
        Assert.DoesNotContain("   at ", err);
        AssertNothingHalfWritten(Path.Combine(Snapshots, "after"));
    }

    [TmpfsFact]
    public void RunOnAFullDiskStopsWithANamedErrorAndTheRerunResumes()
    {
        // A few KB free: the weak stage trains, and a write soon fails. Then space is freed and the same command resumes.
        var run = $"{FullDisk.W2s} run --data {Data()} --weak bow --strong bow --threads 1 --out \"$1/runs\" --json";
        var (exit, stdout, err) = FullDisk.Shell(_mount, 16,
            $"{run} > /dev/null; echo EXIT=$?; snapshot failed; rm \"$FILLER\"; {run} > /dev/null; echo EXIT=$?; snapshot resumed", Snapshots);
        Assert.True(exit == 0, err);
        var exits = stdout.Split('\n').Where(l => l.StartsWith("EXIT=")).ToList();
        Assert.Equal(["EXIT=2", "EXIT=0"], exits);
        var error = Assert.Single(err.Split('\n'), l => l.StartsWith("w2s: error: "));
        Assert.StartsWith($"w2s: error: {_mount}/runs/", error);
        Assert.Contains("no space left on the device", error);
        Assert.Contains("run the same command again", error);
        Assert.DoesNotContain("   at ", err);
        AssertNothingHalfWritten(Path.Combine(Snapshots, "failed"));
        AssertNothingHalfWritten(Path.Combine(Snapshots, "resumed"));
        // The rerun reused what the failed run had finished: a stage's cache entry written before the disk filled.
        var before = Directory.EnumerateFiles(Path.Combine(Snapshots, "failed"), "*.json", SearchOption.AllDirectories).Select(Path.GetFileName).ToList();
        Assert.NotEmpty(before);
        Assert.Single(Directory.EnumerateFiles(Path.Combine(Snapshots, "resumed"), "result.json", SearchOption.AllDirectories));
    }

    [TmpfsFact]
    public void ReportOnAFullDiskNamesTheFile()
    {
        var results = Path.Combine(_work, "results");
        var plan = SweepPlan.Create(new SweepConfig(["synthetic"], SweepFixtures.CheapLadder(), ["xent"], Seeds: 1), _ => SweepFixtures.Synthetic());
        new SweepRunner(new StageCache(Path.Combine(results, "cache")), new ResultStore(Path.Combine(results, "results.sqlite"))).Run(plan);

        var (exit, stdout, err) = FullDisk.Shell(_mount, 0,
            $"{FullDisk.W2s} report {results} --out \"$1/report\"; echo EXIT=$?; snapshot failed; rm \"$FILLER\"; " +
            $"{FullDisk.W2s} report {results} --out \"$1/report\" > /dev/null; echo EXIT=$?", Snapshots);
        Assert.True(exit == 0, err);
        Assert.Equal(["EXIT=2", "EXIT=0"], stdout.Split('\n').Where(l => l.StartsWith("EXIT=")).ToList());
        var error = Assert.Single(err.Split('\n'), l => l.StartsWith("w2s: error: "));
        Assert.StartsWith($"w2s: error: {_mount}/report/", error);
        Assert.Contains("no space left on the device", error);
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(Snapshots, "failed"), "*.tmp", SearchOption.AllDirectories));
    }
}
