namespace Mandate.Storage.Sqlite.Tests;

/// <summary>A private directory for one test's database files, deleted with everything in it.</summary>
internal sealed class TempDatabaseDirectory : IDisposable
{
    private int _files;

    public TempDatabaseDirectory()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "mandate-sqlite-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    /// <summary>A database path in this directory that nothing uses yet.</summary>
    public string NewDatabasePath() => System.IO.Path.Combine(Path, $"mandate-{Interlocked.Increment(ref _files)}.db");

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
