using Mandate.Core.Storage;

namespace Mandate.Core.Keys;

/// <summary>
/// Files only the owner can read (0600) in folders only the owner can enter (0700): keys, the store and its
/// WAL hold credentials' metadata and sealed keys, so nothing the broker keeps is world-readable.
/// </summary>
public static class PrivateFile
{
    private const UnixFileMode OwnerOnlyFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode OwnerOnlyDirectory = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <summary>Creates <paramref name="path"/> (and missing parents) as 0700; an existing folder keeps its mode.</summary>
    public static void CreateDirectory(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
            return;
        }

        // Directory.CreateDirectory(path, mode) gives missing parents the default mode; create each one narrow.
        var full = Path.GetFullPath(path);
        var parent = Path.GetDirectoryName(full);
        if (parent is not null && !Directory.Exists(parent))
        {
            CreateDirectory(parent);
        }

        Directory.CreateDirectory(full, OwnerOnlyDirectory);
    }

    /// <summary>Narrows an existing file to 0600 (a no-op on Windows or when the file is absent).</summary>
    public static void Restrict(string path)
    {
        if (!OperatingSystem.IsWindows() && File.Exists(path))
        {
            File.SetUnixFileMode(path, OwnerOnlyFile);
        }
    }

    /// <summary>
    /// Makes sure a SQLite database file exists as 0600 before SQLite opens it, and narrows an existing one
    /// with its <c>-wal</c> and <c>-shm</c> files. SQLite gives the WAL and shared-memory files the mode of
    /// the database file, so creating it 0600 (empty is a valid empty database) keeps all three private.
    /// </summary>
    public static void PrepareDatabaseFile(string path)
    {
        CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        try
        {
            using (new FileStream(path, new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = OwnerOnlyFile }))
            {
            }
        }
        catch (IOException) when (File.Exists(path))
        {
            // Already there: narrow it below.
        }

        foreach (var file in new[] { path, path + "-wal", path + "-shm" })
        {
            Restrict(file);
        }
    }

    /// <summary>
    /// Creates <paramref name="path"/> (0600) holding <paramref name="contents"/>, durably (<see cref="DurableFile"/>): the
    /// text goes to a temporary file flushed to disk, which is then renamed into place and its folder flushed. A crash
    /// leaves no file or the whole one, never an empty one, and the caller may rely on the file once this returns (keys are
    /// sealed under a key-encryption key written here; losing it would lose them all). Throws <see cref="IOException"/>
    /// when <paramref name="path"/> already exists.
    /// </summary>
    public static void WriteAllText(string path, string contents)
    {
        var full = Path.GetFullPath(path);
        CreateDirectory(Path.GetDirectoryName(full)!);
        var temporary = DurableFile.TemporaryNameFor(full);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = OwnerOnlyFile;
        }

        using (var stream = new FileStream(temporary, options))
        {
            stream.Write(System.Text.Encoding.UTF8.GetBytes(contents));
            stream.Flush(flushToDisk: true);
        }

        try
        {
            DurableFile.Publish(temporary, full);
        }
        catch (IOException)
        {
            File.Delete(temporary);
            throw;
        }
    }
}
