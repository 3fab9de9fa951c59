using System.Globalization;
using System.Net.Sockets;
using Mandate.Core.Configuration;
using Mandate.Core.Storage;

namespace Mandate.Server.Hosting;

/// <summary>
/// A Unix socket path this process serves, and deletes on exit only if the file there is still the one it made.
/// Kestrel binds a private name in a 0700 folder beside the path (.NET deletes a bound socket's path on dispose,
/// whatever file is there by then); after start the socket gets its mode, is renamed into place and the file's
/// identity remembered.
/// </summary>
internal sealed class UnixSocketFile
{
    private FileIdentity? _identity;
    private bool _published;

    private UnixSocketFile(string path)
    {
        Path = path;
        // Two bytes longer than the path plus ".{pid}": a path that fits a socket should still fit while it is bound.
        BindDirectory = path + "." + Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
        BindPath = System.IO.Path.Combine(BindDirectory, "s");
    }

    /// <summary>Where clients connect.</summary>
    public string Path { get; }

    /// <summary>The private name Kestrel binds; renamed to <see cref="Path"/> by <see cref="Publish"/>.</summary>
    public string BindPath { get; }

    /// <summary>
    /// The owner-only folder of <see cref="BindPath"/>. The bound socket's mode comes from the umask until
    /// <see cref="Publish"/> sets it, and a connection made meanwhile would stay open; nobody else can reach it in here.
    /// </summary>
    public string BindDirectory { get; }

    /// <summary>
    /// Refuses a path another process is serving (a live socket is never taken over) and removes a stale one
    /// a crashed broker left behind, which would otherwise make the bind fail. A path too long to bind is refused
    /// before anything is created.
    /// </summary>
    public static UnixSocketFile Prepare(string path)
    {
        var socket = new UnixSocketFile(path);
        if (!UnixSocketPath.Fits(socket.BindPath))
        {
            throw new IOException($"the socket path {path} is too long: it is bound first as {socket.BindPath}, and a Unix socket path holds at most {UnixSocketPath.MaxBytes} bytes; configure a shorter path or data_dir");
        }

        Core.Keys.PrivateFile.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        if (File.Exists(path))
        {
            if (IsServed(path))
            {
                throw new IOException($"another process is serving the socket {path}; stop it, or configure a different socket path for this broker");
            }

            File.Delete(path);
        }

        // A folder left by a start that failed before publishing (in a container, with this same PID) goes first, as does
        // a socket an older broker bound under that name.
        if (Directory.Exists(socket.BindDirectory))
        {
            Directory.Delete(socket.BindDirectory, recursive: true);
        }
        else
        {
            File.Delete(socket.BindDirectory);
        }

        Core.Keys.PrivateFile.CreateDirectory(socket.BindDirectory);
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
        _identity = FileIdentity.Of(Path);
        _published = true;
        DeleteBindDirectory();
    }

    /// <summary>Deletes the socket file if it is still the one this process published.</summary>
    public void DeleteIfOwned()
    {
        // Where the platform cannot tell files apart (null identities), the published path is taken as ours.
        if (_published && File.Exists(Path) && FileIdentity.Of(Path) == _identity)
        {
            File.Delete(Path);
        }

        _published = false;
        DeleteBindDirectory();
    }

    // Empty once the socket is published or disposed; anything else in it is not this process's to delete.
    private void DeleteBindDirectory()
    {
        try
        {
            Directory.Delete(BindDirectory);
        }
        catch (IOException)
        {
            // Already gone (DirectoryNotFoundException is an IOException), or not empty: left as it is.
        }
        catch (UnauthorizedAccessException)
        {
            // Its folder no longer lets this user remove it: left as it is.
        }
    }

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
