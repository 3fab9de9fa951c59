using System.Globalization;
using System.Net.Sockets;

namespace Mandate.Server.Hosting;

/// <summary>
/// A Unix socket path this process serves, and deletes on exit only if the file there is still the one it made.
/// Kestrel binds a private name beside the path (.NET deletes a bound socket's path on dispose, whatever file is
/// there by then); after start the socket is renamed into place and the file's identity remembered.
/// </summary>
internal sealed class UnixSocketFile
{
    private (DateTime Born, DateTime Changed)? _identity;

    private UnixSocketFile(string path)
    {
        Path = path;
        BindPath = path + "." + Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>Where clients connect.</summary>
    public string Path { get; }

    /// <summary>The private name Kestrel binds; renamed to <see cref="Path"/> by <see cref="Publish"/>.</summary>
    public string BindPath { get; }

    /// <summary>
    /// Refuses a path another process is serving (a live socket is never taken over) and removes a stale one
    /// a crashed broker left behind, which would otherwise make the bind fail.
    /// </summary>
    public static UnixSocketFile Prepare(string path)
    {
        Core.Keys.PrivateFile.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        var socket = new UnixSocketFile(path);
        if (File.Exists(path))
        {
            if (IsServed(path))
            {
                throw new IOException($"another process is serving the socket {path}; stop it, or configure a different socket path for this broker");
            }

            File.Delete(path);
        }

        File.Delete(socket.BindPath);
        return socket;
    }

    /// <summary>Moves the bound socket to its public path with <paramref name="mode"/> and remembers which file it is.</summary>
    public void Publish(UnixFileMode mode)
    {
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(BindPath, mode);
        }

        // Not overwrite: if another process took the path since Prepare, this broker must not take it from it.
        File.Move(BindPath, Path, overwrite: false);
        _identity = IdentityOf(Path);
    }

    /// <summary>Deletes the socket file if it is still the one this process published.</summary>
    public void DeleteIfOwned()
    {
        if (_identity is { } mine && File.Exists(Path) && IdentityOf(Path) == mine)
        {
            File.Delete(Path);
        }

        _identity = null;
    }

    // .NET exposes no inode; the birth time (statx, nanoseconds) with the change time tells a re-created file apart.
    private static (DateTime Born, DateTime Changed) IdentityOf(string path) =>
        (File.GetCreationTimeUtc(path), File.GetLastWriteTimeUtc(path));

    private static bool IsServed(string path)
    {
        using var probe = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            probe.Connect(new UnixDomainSocketEndPoint(path));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
