using System.Runtime.InteropServices;

namespace WeakToStrong.Cli;

/// <summary>
/// Keeps the training heap's pages mapped and huge. Each training step frees and re-allocates tens of megabytes (the
/// word-embedding gradient, optimizer temporaries). By default glibc serves blocks above 32 MB with fresh mmaps and gives
/// freed heap back to the kernel, so every step faults its pages in again and the kernel zero-fills them; where the THP
/// mode is "madvise" (the default on many distributions) that is thousands of 4 KB faults per allocation, and training
/// ran 2.9x slower. The tunables: glibc.malloc.hugetlb=1 (huge pages for the heap), mmap_max=0 and a 4 GB
/// trim_threshold (large blocks come from the heap and stay there for the next step; docs/performance.md). glibc reads
/// tunables only when a process starts, so w2s executes itself again, once, with them added. A tunable the user already
/// set is left as it is; W2S_MALLOC_TUNING=0 turns this off.
/// </summary>
internal static class MallocTuning
{
    private static readonly string[] Tunables =
        ["glibc.malloc.hugetlb=1", "glibc.malloc.mmap_max=0", "glibc.malloc.trim_threshold=4294967296"];
    private const string Marker = "W2S_MALLOC_TUNING";

    public static void EnsureTunedHeap()
    {
        if (!OperatingSystem.IsLinux() || Environment.GetEnvironmentVariable(Marker) is not null) return;
        if (Compose(Environment.GetEnvironmentVariable("GLIBC_TUNABLES")) is not { } tunables) return; // the user chose every one

        string[] argv;
        try
        {
            // The original argv, exactly (Environment.GetCommandLineArgs rewrites argv[0] to the app's path).
            var cmdline = File.ReadAllText("/proc/self/cmdline");
            argv = cmdline.EndsWith('\0') ? cmdline[..^1].Split('\0') : cmdline.Split('\0');
        }
        catch (IOException) { return; }
        catch (UnauthorizedAccessException) { return; }

        var environment = Environment.GetEnvironmentVariables().Cast<System.Collections.DictionaryEntry>()
            .Where(e => (string)e.Key != "GLIBC_TUNABLES")
            .Select(e => $"{e.Key}={e.Value}")
            .Append("GLIBC_TUNABLES=" + tunables)
            .Append(Marker + "=1"); // never twice, even where the loader drops GLIBC_TUNABLES
        try
        {
            execve("/proc/self/exe", [.. argv, null], [.. environment, null]);
        }
        catch (Exception) { } // no libc to call: the tuning is an optimisation, never a reason to fail
        // execve returns only on failure: carry on without the tuning.
    }

    /// <summary>The user's GLIBC_TUNABLES with ours appended where the user did not set them; null: nothing to add.</summary>
    internal static string? Compose(string? user)
    {
        var missing = Tunables.Where(t => user?.Contains(t[..(t.IndexOf('=') + 1)], StringComparison.Ordinal) != true).ToList();
        if (missing.Count == 0) return null;
        return string.Join(':', string.IsNullOrEmpty(user) ? missing : [user, .. missing]);
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int execve(
        [MarshalAs(UnmanagedType.LPUTF8Str)] string path,
        [MarshalAs(UnmanagedType.LPArray, ArraySubType = UnmanagedType.LPStr)] string?[] argv,
        [MarshalAs(UnmanagedType.LPArray, ArraySubType = UnmanagedType.LPStr)] string?[] envp); // LPStr is UTF-8 on Unix
}
