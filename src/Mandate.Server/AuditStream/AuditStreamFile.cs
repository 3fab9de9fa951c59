using Mandate.Core.Storage;

namespace Mandate.Server.AuditStream;

/// <summary>
/// The stream's file: appended to and flushed to disk after every delivery. Survives rotation: when the path names
/// another file (renamed or deleted, as <c>logrotate</c>'s default <c>create</c> does) the next write creates and opens
/// the file anew; when the file got shorter than what was written (<c>copytruncate</c>) writing goes on at its new end.
/// </summary>
internal sealed class AuditStreamFile : IAuditStreamDestination
{
    // Readable by the group, so a log shipper in it can tail the file; never by others.
    private const UnixFileMode CreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead;

    private readonly string _path;
    private FileStream? _file;
    private FileIdentity? _identity;

    public AuditStreamFile(string path) => _path = path;

    public async Task WriteAsync(ReadOnlyMemory<byte> lines, CancellationToken cancellationToken)
    {
        try
        {
            var file = Current();
            await file.WriteAsync(lines, cancellationToken);
            file.Flush(flushToDisk: true);
        }
        catch (UnauthorizedAccessException e)
        {
            Close();
            throw new IOException($"cannot write {_path}: {e.Message}", e);
        }
        catch (IOException)
        {
            Close();
            throw;
        }
    }

    private FileStream Current()
    {
        if (_file is not null && FileIdentity.Of(_path) != _identity)
        {
            Close();
        }

        if (_file is { } open)
        {
            if (open.Length < open.Position)
            {
                open.Seek(0, SeekOrigin.End);
            }

            return open;
        }

        if (Path.GetDirectoryName(_path) is { Length: > 0 } directory)
        {
            Directory.CreateDirectory(directory);
        }

        var options = new FileStreamOptions { Mode = FileMode.Append, Access = FileAccess.Write, Share = FileShare.ReadWrite | FileShare.Delete };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = CreateMode;
        }

        _file = new FileStream(_path, options);
        _identity = FileIdentity.Of(_path);
        return _file;
    }

    private void Close()
    {
        _file?.Dispose();
        _file = null;
    }

    public void Dispose() => Close();
}
