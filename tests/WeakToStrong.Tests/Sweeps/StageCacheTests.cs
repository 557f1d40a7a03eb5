using System.Diagnostics;
using WeakToStrong.Protocol;
using WeakToStrong.Sweeps;

namespace WeakToStrong.Tests.Sweeps;

public class StageCacheTests
{
    private static StageSpec Spec() => new(StageKind.Weak, "t", "data", 0, "bow", "xent", 1e-2, 2, 32, 32, false, false, false, null, null, 0, 1);

    private static StageOutput Output() => new(new ModelResult("weak", "bow", "A", "xent", 1e-2, 0.75, 0.01, 0.8, 0.05, 100, 8, 0.2),
        [[0.25f, 0.75f], [0.9f, 0.1f]], [[0.5f, 0.5f]], 0, 0.3);

    /// <summary>A PID that surely names no running process: one of a process that has exited.</summary>
    private static int DeadPid()
    {
        using var p = Process.Start(new ProcessStartInfo("true"))!;
        p.WaitForExit();
        return p.Id;
    }

    [Fact]
    public void EntriesRoundTripAndLeaveNoTemporaryFiles()
    {
        var root = SweepFixtures.TempFolder();
        try
        {
            var cache = new StageCache(root);
            Assert.Null(cache.TryLoad(Spec()));
            cache.Save(Spec(), Output());
            var loaded = cache.TryLoad(Spec())!;
            Assert.Equal(Results.Json.Serialize(Output()), Results.Json.Serialize(loaded));
            Assert.Equal([Path.GetFileName(cache.PathOf(Spec()))], Directory.GetFiles(Path.Combine(root, "weak")).Select(Path.GetFileName).ToArray());
            Assert.Null(cache.TryLoad(Spec() with { Seed = 1 }));
        }
        finally { Directory.Delete(root, true); }
    }

    [Fact]
    public void AWriterKilledMidwayLeavesNoEntryAndItsTemporaryIsCleanedUp()
    {
        var root = SweepFixtures.TempFolder();
        try
        {
            var cache = new StageCache(root);
            var target = cache.PathOf(Spec());
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            // What AtomicFile leaves when killed before its rename: a half-written temporary beside the target.
            var orphan = Path.Combine(Path.GetDirectoryName(target)!, $".{Path.GetFileName(target)}.{DeadPid()}.{Guid.NewGuid():N}.tmp");
            File.WriteAllText(orphan, "{\"key\": \"half");
            Assert.False(cache.Contains(Spec()));
            Assert.Null(cache.TryLoad(Spec()));
            Assert.Equal(1, cache.RemoveOrphanTemporaries());
            Assert.False(File.Exists(orphan));
            // An unreadable entry (not one of ours) is treated as missing, never as a result.
            File.WriteAllText(target, "garbage");
            Assert.Null(cache.TryLoad(Spec()));
        }
        finally { Directory.Delete(root, true); }
    }

    [Fact]
    public void LocksExcludeLiveHoldersAndStaleLocksOfDeadProcessesAreTakenOver()
    {
        var root = SweepFixtures.TempFolder();
        try
        {
            var cache = new StageCache(root);
            using (var held = cache.TryLock(Spec()))
            {
                Assert.NotNull(held);
                Assert.Null(cache.TryLock(Spec())); // held by a live process (this one)
            }
            var lockFile = Path.ChangeExtension(cache.PathOf(Spec()), ".lock");
            Assert.False(File.Exists(lockFile)); // released
            File.WriteAllText(lockFile, $"{DeadPid()} 12345");
            using var taken = cache.TryLock(Spec());
            Assert.NotNull(taken);
        }
        finally { Directory.Delete(root, true); }
    }
}
