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

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
