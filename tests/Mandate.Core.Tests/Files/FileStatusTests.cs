using System.Diagnostics;
using System.Globalization;
using Mandate.Core.Storage;
using Xunit;

namespace Mandate.Core.Tests.Files;

/// <summary>
/// The identity and size checks the SQLite store runs on every commit (its file guard and WAL bound) read only the
/// field they need; what they report must still be what <c>stat(1)</c> sees.
/// </summary>
public sealed class FileStatusTests
{
    [Fact]
    public void Identity_IsTheDeviceAndInodeStatReports()
    {
        Assert.True(OperatingSystem.IsLinux(), "the store's file guard reads identities with statx on Linux");
        using var folder = new TempDirectory();
        var path = folder.File("mandate.db");
        File.WriteAllBytes(path, [1, 2, 3]);

        Assert.True(FileStatus.TryIdentity(path, out var device, out var inode));

        var reported = Stat(path, "%d %i").Split(' ');
        Assert.Equal(ulong.Parse(reported[0], CultureInfo.InvariantCulture), device);
        Assert.Equal(ulong.Parse(reported[1], CultureInfo.InvariantCulture), inode);
        Assert.Equal(new FileIdentity(device, inode), FileIdentity.Of(path));
    }

    [Fact]
    public void Identity_FileReplacedAtThePath_Differs_AppendedTo_Same()
    {
        using var folder = new TempDirectory();
        var path = folder.File("mandate.db");
        File.WriteAllBytes(path, [1]);
        var original = FileIdentity.Of(path);
        Assert.NotNull(original);

        File.AppendAllText(path, "more");
        Assert.Equal(original, FileIdentity.Of(path));

        var replacement = folder.File("backup.db");
        File.WriteAllBytes(replacement, [1]);
        File.Move(replacement, path, overwrite: true);
        Assert.NotEqual(original, FileIdentity.Of(path));
    }

    [Fact]
    public void Identity_NoFileAtThePath_None()
    {
        using var folder = new TempDirectory();

        Assert.False(FileStatus.TryIdentity(folder.File("absent.db"), out _, out _));
        Assert.Null(FileIdentity.Of(folder.File("absent.db")));
        Assert.Null(FileIdentity.Of(folder.File("absent", "mandate.db")));
    }

    [Fact]
    public void SizeOf_FollowsTheFile_AndIsZeroWithoutOne()
    {
        using var folder = new TempDirectory();
        var path = folder.File("mandate.db-wal");
        Assert.Equal(0, FileStatus.SizeOf(path));

        File.WriteAllBytes(path, new byte[4096 + 24]);
        Assert.Equal(4096 + 24, FileStatus.SizeOf(path));
        Assert.Equal(Stat(path, "%s"), FileStatus.SizeOf(path).ToString(CultureInfo.InvariantCulture));

        using (var stream = new FileStream(path, FileMode.Open))
        {
            stream.SetLength(0);
        }

        Assert.Equal(0, FileStatus.SizeOf(path));
    }

    private static string Stat(string path, string format)
    {
        using var stat = Process.Start(new ProcessStartInfo("stat", ["-c", format, path]) { RedirectStandardOutput = true })!;
        var output = stat.StandardOutput.ReadToEnd().Trim();
        Assert.True(stat.WaitForExit(10_000), "stat did not finish");
        Assert.Equal(0, stat.ExitCode);
        return output;
    }
}
