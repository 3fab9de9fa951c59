using System.Globalization;
using System.Text;
using Mandate.Core.Audit;
using Mandate.Core.Storage;

namespace Mandate.Server.AuditStream;

/// <summary>
/// The last record the stream delivered (sequence and hash), kept in a small file so a restarted broker resumes after
/// it. Replaced atomically (written beside, flushed, renamed over), so a crash leaves the old value or the new one.
/// </summary>
internal sealed class AuditStreamCursor
{
    private readonly string _path;

    public AuditStreamCursor(string path) => _path = path;

    public string Path => _path;

    /// <summary>The saved position; <see cref="AuditTail.Genesis"/> when there is none yet. Throws <see cref="InvalidDataException"/> when the file holds no position.</summary>
    public AuditTail Read()
    {
        if (!File.Exists(_path))
        {
            return AuditTail.Genesis;
        }

        var parts = File.ReadAllText(_path).Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return parts.Length == 2 && long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var sequence) && parts[1].Length == 64
            ? new AuditTail(sequence, parts[1])
            : throw new InvalidDataException($"{_path} holds no record sequence and hash");
    }

    public void Save(AuditRecord last)
    {
        if (System.IO.Path.GetDirectoryName(_path) is { Length: > 0 } directory)
        {
            Directory.CreateDirectory(directory);
        }

        var next = _path + ".next";
        using (var file = new FileStream(next, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            file.Write(Encoding.ASCII.GetBytes(FormattableString.Invariant($"{last.Sequence} {last.Hash}\n")));
            file.Flush(flushToDisk: true);
        }

        File.Move(next, _path, overwrite: true);
    }

    /// <summary>
    /// Why <paramref name="position"/> cannot be resumed from, or null when it can: the store must still hold the record
    /// it names with the same hash (or have archived it and kept later ones). A store that ends before it was replaced or
    /// rolled back; a different hash there means the store was rewritten. Null too when the store cannot be read now.
    /// </summary>
    public static async Task<string?> ProblemAsync(IAuditLog log, AuditTail position, CancellationToken cancellationToken)
    {
        if (position.Sequence == 0)
        {
            return null;
        }

        try
        {
            await foreach (var record in log.ReadAuditAsync(new AuditQuery { AfterSequence = position.Sequence - 1, Limit = 1 }, cancellationToken))
            {
                return record.Sequence != position.Sequence || record.Hash == position.Hash
                    ? null
                    : $"record {position.Sequence} in the store is not the one delivered (another hash): the store was rewritten or replaced";
            }

            return $"the store ends before record {position.Sequence}, the last one delivered: it was replaced or rolled back";
        }
        catch (StoreUnavailableException)
        {
            return null;
        }
    }
}
