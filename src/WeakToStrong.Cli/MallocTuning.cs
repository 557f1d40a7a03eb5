using System.Runtime.InteropServices;

namespace WeakToStrong.Cli;

/// <summary>
/// Backs glibc's heap with transparent huge pages (the tunable glibc.malloc.hugetlb=1). Each training step frees and
/// re-allocates tens of megabytes (the word-embedding gradient, optimizer temporaries); where the kernel's THP mode is
/// "madvise" (the default on many distributions), every such allocation costs thousands of 4 KB page faults, and training
/// ran 2.9x slower (docs/performance.md). glibc reads its tunables only when a process starts, so w2s executes itself
/// again, once, with the tunable added. W2S_MALLOC_TUNING=0 turns this off.
/// </summary>
internal static class MallocTuning
{
    private const string Tunable = "glibc.malloc.hugetlb=1";
    private const string Marker = "W2S_MALLOC_TUNING";

    public static void EnsureHugePages()
    {
        if (!OperatingSystem.IsLinux() || Environment.GetEnvironmentVariable(Marker) is not null) return;
        var tunables = Environment.GetEnvironmentVariable("GLIBC_TUNABLES");
        if (tunables?.Contains("glibc.malloc.hugetlb", StringComparison.Ordinal) == true) return; // the user chose

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
            .Append("GLIBC_TUNABLES=" + (string.IsNullOrEmpty(tunables) ? Tunable : tunables + ":" + Tunable))
            .Append(Marker + "=1"); // never twice, even where the loader drops GLIBC_TUNABLES
        try
        {
            execve("/proc/self/exe", [.. argv, null], [.. environment, null]);
        }
        catch (Exception) { } // no libc to call: the tuning is an optimisation, never a reason to fail
        // execve returns only on failure: carry on without the tuning.
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int execve(
        [MarshalAs(UnmanagedType.LPUTF8Str)] string path,
        [MarshalAs(UnmanagedType.LPArray, ArraySubType = UnmanagedType.LPStr)] string?[] argv,
        [MarshalAs(UnmanagedType.LPArray, ArraySubType = UnmanagedType.LPStr)] string?[] envp); // LPStr is UTF-8 on Unix
}
