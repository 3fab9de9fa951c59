using System.Text;
using Mandate.Core.Keys;

namespace Mandate.Core.Audit.Checkpoints;

/// <summary>
/// Signs the audit chain head and appends it to the checkpoint file (append-only, flushed to disk before returning),
/// unless the head has not moved since the last checkpoint in that file, or the chain since that checkpoint does not
/// verify: a checkpoint signed over an edited or deleted record would vouch for the tampering.
/// </summary>
public sealed class AuditCheckpointWriter : IDisposable
{
    private readonly IAuditLog _log;
    private readonly KeyRing _keys;
    private readonly string _path;
    private readonly string _node;
    private readonly string _issuer;
    private readonly TimeProvider _time;
    private readonly Action<AuditCheckpoint>? _written;
    private readonly SemaphoreSlim _lock = new(1, 1);
    private AuditTail? _last;

    /// <summary>Checkpoints the head of <paramref name="log"/> into <paramref name="path"/>, signed with <paramref name="keys"/>' active key.</summary>
    /// <param name="log">The audit log whose head is signed.</param>
    /// <param name="keys">The checkpoint key ring.</param>
    /// <param name="path">The checkpoint file, appended to.</param>
    /// <param name="node">This node's name, signed into each checkpoint.</param>
    /// <param name="issuer">The broker's issuer, the checkpoint's <c>iss</c>.</param>
    /// <param name="time">The clock.</param>
    /// <param name="written">Told of every checkpoint once it is in the file (the audit stream sends it on).</param>
    public AuditCheckpointWriter(IAuditLog log, KeyRing keys, string path, string node, string issuer, TimeProvider time, Action<AuditCheckpoint>? written = null)
    {
        _log = log;
        _keys = keys;
        _path = path;
        _node = node;
        _issuer = issuer;
        _time = time;
        _written = written;
    }

    /// <summary>
    /// The checkpoint written; <see cref="AuditCheckpointOutcome.Unchanged"/> when the head is where the last checkpoint
    /// left it; a refusal naming the first bad record when the chain since the last checkpoint does not verify.
    /// </summary>
    public async Task<AuditCheckpointOutcome> WriteAsync(CancellationToken cancellationToken)
    {
        await _lock.WaitAsync(cancellationToken);
        try
        {
            var last = _last ?? LastInFile() ?? AuditTail.Genesis;
            var segment = await AuditSegmentVerifier.VerifySinceAsync(_log, last, cancellationToken);
            if (!segment.IsValid)
            {
                return AuditCheckpointOutcome.Refused(segment);
            }

            var head = segment.RecordCount == 0 ? last : segment.Head;
            if (head == last)
            {
                _last = last;
                return AuditCheckpointOutcome.Unchanged;
            }

            var keys = await _keys.GetAsync(cancellationToken);
            var checkpoint = AuditCheckpoint.Sign(head, _time.GetUtcNow(), _node, _issuer, keys.Active);
            Append(checkpoint.ToJsonLine());
            _last = head;
            _written?.Invoke(checkpoint);
            return AuditCheckpointOutcome.Wrote(checkpoint);
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <summary>The head of the file's last line, so a restarted broker does not repeat it; the line is this node's own writing.</summary>
    private AuditTail? LastInFile()
    {
        if (!File.Exists(_path))
        {
            return null;
        }

        var line = File.ReadLines(_path).LastOrDefault(l => l.Length > 0);
        return line is null ? null : AuditCheckpoint.TryReadHead(line);
    }

    private void Append(string line)
    {
        if (Path.GetDirectoryName(_path) is { Length: > 0 } directory)
        {
            Directory.CreateDirectory(directory);
        }

        using var file = new FileStream(_path, FileMode.Append, FileAccess.Write, FileShare.Read);
        file.Write(Encoding.UTF8.GetBytes(line + "\n"));
        file.Flush(flushToDisk: true);
    }

    public void Dispose() => _lock.Dispose();
}
