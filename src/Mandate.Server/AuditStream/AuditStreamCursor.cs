using System.Globalization;
using System.Text;

namespace Mandate.Server.AuditStream;

/// <summary>
/// The sequence of the last record the stream delivered, kept in a small file so a restarted broker resumes after it.
/// Replaced atomically (written beside, flushed, renamed over), so a crash leaves the old value or the new one.
/// </summary>
internal sealed class AuditStreamCursor
{
    private readonly string _path;

    public AuditStreamCursor(string path) => _path = path;

    public string Path => _path;

    /// <summary>The saved sequence; 0 when there is none yet. Throws <see cref="InvalidDataException"/> when the file holds no sequence.</summary>
    public long Read()
    {
        if (!File.Exists(_path))
        {
            return 0;
        }

        var text = File.ReadAllText(_path).Trim();
        return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var sequence)
            ? sequence
            : throw new InvalidDataException($"{_path} holds no record sequence");
    }

    public void Save(long sequence)
    {
        if (System.IO.Path.GetDirectoryName(_path) is { Length: > 0 } directory)
        {
            Directory.CreateDirectory(directory);
        }

        var next = _path + ".next";
        using (var file = new FileStream(next, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            file.Write(Encoding.ASCII.GetBytes(sequence.ToString(CultureInfo.InvariantCulture) + "\n"));
            file.Flush(flushToDisk: true);
        }

        File.Move(next, _path, overwrite: true);
    }
}
