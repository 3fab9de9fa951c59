using Mandate.Core.Configuration;
using Mandate.Server.Hosting;

namespace Mandate.Server.Tests.Hosting;

/// <summary>
/// The admin socket's 0600 mode is its only access control, and Kestrel binds it with the umask's mode before start-up
/// narrows it; a connection made in that moment would stay open. So it is bound in a folder only the owner can enter,
/// whatever the mode of the folder the socket is published in.
/// </summary>
public sealed class UnixSocketFileTests : IDisposable
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    private readonly string _dir = Path.Combine(Path.GetTempPath(), "mandate-socket-" + Guid.NewGuid().ToString("N")[..8]);

    public UnixSocketFileTests()
    {
        // A data directory made before the broker ran (by an installer, a volume mount): others may enter it.
        Directory.CreateDirectory(_dir);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(_dir, OwnerOnly | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        }
    }

    [Fact]
    public void Prepare_InAFolderOthersCanEnter_BindsInAFolderOnlyTheOwnerCanEnter()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var socket = UnixSocketFile.Prepare(Path.Combine(_dir, "admin.sock"));

        var bindFolder = Path.GetDirectoryName(socket.BindPath)!;
        Assert.NotEqual(Path.GetFullPath(_dir), Path.GetFullPath(bindFolder));
        Assert.Equal(OwnerOnly, File.GetUnixFileMode(bindFolder));
    }

    [Fact]
    public void Prepare_FolderLeftByAFailedStart_IsReplacedByAnEmptyOwnerOnlyOne()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var path = Path.Combine(_dir, "admin.sock");
        var left = Path.GetDirectoryName(UnixSocketFile.Prepare(path).BindPath)!;
        File.WriteAllText(Path.Combine(left, "admin.sock"), "");
        File.SetUnixFileMode(left, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.OtherExecute);

        var socket = UnixSocketFile.Prepare(path);

        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.GetDirectoryName(socket.BindPath)!));
        Assert.Equal(OwnerOnly, File.GetUnixFileMode(Path.GetDirectoryName(socket.BindPath)!));
    }

    [Fact]
    public void Prepare_PathThatFitsOnceBound_IsPrepared_OneByteLonger_IsRefusedNamingItAndNothingIsCreated()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        // The bound name is the path plus ".{pid}/s"; the longest path that fits binds at exactly the limit.
        var bindOverhead = 1 + Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture).Length + 2;
        var folder = Path.Combine(_dir, "sub");
        var longest = UnixSocketPath.MaxBytes - bindOverhead - folder.Length - 1;
        var fits = Path.Combine(folder, new string('a', longest));
        var tooLong = Path.Combine(folder, new string('b', longest + 1));

        var error = Assert.Throws<IOException>(() => UnixSocketFile.Prepare(tooLong));
        Assert.Contains(tooLong, error.Message, StringComparison.Ordinal);
        Assert.Contains("too long", error.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(folder));

        var socket = UnixSocketFile.Prepare(fits);
        Assert.Equal(UnixSocketPath.MaxBytes, System.Text.Encoding.UTF8.GetByteCount(socket.BindPath));
        Assert.True(Directory.Exists(socket.BindDirectory));
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
