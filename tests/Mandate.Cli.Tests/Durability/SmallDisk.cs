using System.Diagnostics;

namespace Mandate.Cli.Tests.Durability;

/// <summary>
/// A small tmpfs mounted at a folder, so a broker's data directory can really run out of space. Mounting needs root
/// (or CAP_SYS_ADMIN) on Linux; <see cref="SmallDiskFactAttribute"/> skips the test elsewhere.
/// </summary>
internal sealed class SmallDisk : IDisposable
{
    private readonly string _path;

    private SmallDisk(string path) => _path = path;

    public static SmallDisk Mount(string path, int megabytes)
    {
        Directory.CreateDirectory(path);
        Run("mount", "-t", "tmpfs", "-o", $"size={megabytes}m,mode=0700", "tmpfs", path);
        return new SmallDisk(path);
    }

    /// <summary>Writes a file at <paramref name="file"/> until the disk is full.</summary>
    public static void Fill(string file)
    {
        using var stream = new FileStream(file, FileMode.CreateNew, FileAccess.Write);
        var block = new byte[64 * 1024];
        try
        {
            for (var i = 0; i < 1_000_000; i++)
            {
                stream.Write(block);
                stream.Flush(flushToDisk: true);
            }
        }
        catch (IOException)
        {
            // ENOSPC: full, as wanted.
            return;
        }

        throw new InvalidOperationException("the small disk never filled");
    }

    public void Dispose() => Run("umount", "-l", _path);

    /// <summary>Whether this process can mount a tmpfs here (root on Linux), tried once.</summary>
    internal static readonly Lazy<bool> Available = new(() =>
    {
        if (!OperatingSystem.IsLinux() || Environment.UserName != "root")
        {
            return false;
        }

        var probe = Path.Combine(Path.GetTempPath(), "mandate-small-disk-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            using (Mount(probe, 1))
            {
                return true;
            }
        }
        catch (InvalidOperationException)
        {
            return false;
        }
        finally
        {
            Directory.Delete(probe);
        }
    });

    internal static void Run(string command, params string[] args)
    {
        var start = new ProcessStartInfo(command) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{command} did not start");
        var errors = process.StandardError.ReadToEnd();
        if (!process.WaitForExit(10_000) || process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{command} {string.Join(' ', args)} failed: {errors}");
        }
    }
}
