using System.Text;
using Mandate.Core;
using Mandate.Core.Audit;
using Mandate.Core.Audit.Streaming;
using Mandate.Core.Configuration;
using Mandate.Core.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Mandate.Server.AuditStream;

/// <summary>
/// Tails the committed audit log by sequence and delivers each record (then any signed checkpoint) as one line, off the
/// request path: the writer only signals that it committed, and records wait in the store (behind the cursor), never in
/// memory, while the destination is slow or down. A failed delivery is retried with bounded backoff; the cursor is saved
/// after every delivery, so a restarted broker resumes after the last line delivered. On a shared (PostgreSQL) store each
/// node streams the records it wrote, so several nodes never send one record twice.
/// </summary>
internal sealed partial class AuditStreamService : BackgroundService
{
    /// <summary>How often the log is read when no commit was signalled (records written around the writer, other nodes).</summary>
    public static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);

    public static readonly TimeSpan FirstBackoff = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);

    private readonly IAuditLog _log;
    private readonly AuditWriter _writer;
    private readonly AuditStreamCheckpoints _checkpoints;
    private readonly AuditStreamMetrics _metrics;
    private readonly AuditLogExport? _logs;
    private readonly IAuditStreamDestination? _destination;
    private readonly AuditStreamCursor _cursor;
    private readonly AuditStreamOptions _options;
    private readonly string _description;
    private readonly string _node;
    private readonly bool _sharedStore;
    private readonly TimeProvider _time;
    private readonly ILogger<AuditStreamService> _logger;

    public AuditStreamService(
        IMandateStore store, AuditWriter writer, AuditStreamCheckpoints checkpoints, AuditStreamMetrics metrics, MandateOptions options,
        TimeProvider time, ILogger<AuditStreamService> logger, AuditLogExport? logs = null)
    {
        _log = store;
        _writer = writer;
        _checkpoints = checkpoints;
        _metrics = metrics;
        _logs = logs;
        _options = options.AuditStream;
        _destination = _options.Destination switch
        {
            null => null,
            { Kind: AuditStreamDestinationKind.File } file => new AuditStreamFile(file.Address),
            var socket => new AuditStreamSocket(socket, time),
        };
        _cursor = new AuditStreamCursor(_options.CursorFile);
        _description = _options.Destination?.ToString() ?? "OTLP logs";
        _node = options.Node;
        _sharedStore = options.Postgres is not null;
        _time = time;
        _logger = logger;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var position = ReadCursor();
        if (await AuditStreamCursor.ProblemAsync(_log, position, stoppingToken) is { } problem)
        {
            LogCursorDisowned(_logger, problem);
            position = AuditTail.Genesis;
        }

        var cursor = position.Sequence;
        LogStarted(_logger, _description, cursor);
        while (!stoppingToken.IsCancellationRequested)
        {
            var committed = _writer.NextCommit;
            if (await ReadAfterAsync(cursor, stoppingToken) is not { } records)
            {
                continue;
            }

            var checkpoints = _checkpoints.Drain();
            if (records.Count == 0 && checkpoints.Count == 0)
            {
                await IdleAsync(committed, stoppingToken);
                continue;
            }

            var streamed = records.Where(StreamedHere).ToList();
            _metrics.Pending(streamed.Count > 0 ? TimeOf(streamed[0]) : null);
            var lines = streamed.Select(r => (Record: r, Line: AuditStreamLine.Record(r))).ToList();
            var checkpointLines = checkpoints.Select(c => (Checkpoint: c, Line: AuditStreamLine.Checkpoint(c, _node))).ToList();
            await DeliverAsync(Concat(lines.Select(l => l.Line).Concat(checkpointLines.Select(c => c.Line))), stoppingToken);
            _metrics.Delivered(streamed.Count);
            _metrics.Pending(null);
            foreach (var (record, line) in lines)
            {
                _logs?.Record(record, Text(line));
            }

            foreach (var (checkpoint, line) in checkpointLines)
            {
                _logs?.Checkpoint(checkpoint, _node, Text(line));
            }

            if (records.Count > 0)
            {
                cursor = records[^1].Sequence;
                SaveCursor(records[^1]);
            }
        }
    }

    /// <summary>The next records after <paramref name="cursor"/> (up to the buffer), counting any archived before delivery; null after a failed read.</summary>
    private async Task<List<AuditRecord>?> ReadAfterAsync(long cursor, CancellationToken cancellationToken)
    {
        var records = new List<AuditRecord>();
        try
        {
            await foreach (var record in _log.ReadAuditAsync(new AuditQuery { AfterSequence = cursor, Limit = _options.Buffer }, cancellationToken))
            {
                records.Add(record);
            }
        }
        catch (StoreUnavailableException e)
        {
            LogReadFailed(_logger, e.Message);
            await Task.Delay(FirstBackoff, _time, cancellationToken);
            return null;
        }

        if (records.Count > 0 && records[0].Sequence > cursor + 1)
        {
            // The records between were archived and pruned before the stream got to them: the archive holds them now.
            var missed = records[0].Sequence - cursor - 1;
            _metrics.Dropped(missed, AuditStreamMetrics.Pruned);
            LogPruned(_logger, missed, cursor + 1, records[0].Sequence - 1);
        }

        return records;
    }

    /// <summary>Sends <paramref name="lines"/> until it succeeds, waiting longer after each failure (up to <see cref="MaxBackoff"/>).</summary>
    private async Task DeliverAsync(byte[] lines, CancellationToken cancellationToken)
    {
        if (_destination is null || lines.Length == 0)
        {
            return;
        }

        var backoff = FirstBackoff;
        while (true)
        {
            try
            {
                await _destination.WriteAsync(lines, cancellationToken);
                return;
            }
            catch (IOException e)
            {
                _metrics.Failed();
                LogDeliveryFailed(_logger, _description, e.Message, backoff.TotalSeconds);
            }

            await Task.Delay(backoff, _time, cancellationToken);
            backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, MaxBackoff.Ticks));
        }
    }

    private async Task IdleAsync(Task committed, CancellationToken cancellationToken)
    {
        using var wake = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        await Task.WhenAny(committed, _checkpoints.WaitAsync(wake.Token), Task.Delay(PollInterval, _time, wake.Token));
        await wake.CancelAsync();
    }

    /// <summary>Every record on a node's own store; on a shared store, only those this node wrote (its name is in each).</summary>
    private bool StreamedHere(AuditRecord record)
    {
        if (!_sharedStore)
        {
            return true;
        }

        // An unreadable payload names no node: every node streams it rather than none.
        return record.TryReadEvent() is not { } e || e.Node == _node;
    }

    private static DateTimeOffset? TimeOf(AuditRecord record) => record.TryReadEvent()?.Time;

    private AuditTail ReadCursor()
    {
        try
        {
            return _cursor.Read();
        }
        catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            // Sending records again is better than skipping them: a SIEM can drop a repeated sequence.
            LogCursorUnreadable(_logger, _cursor.Path, e.Message);
            return AuditTail.Genesis;
        }
    }

    private void SaveCursor(AuditRecord last)
    {
        try
        {
            _cursor.Save(last);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            LogCursorNotSaved(_logger, _cursor.Path, e.Message);
        }
    }

    private static byte[] Concat(IEnumerable<byte[]> lines) => [.. lines.SelectMany(l => l)];

    private static string Text(byte[] line) => Encoding.UTF8.GetString(line, 0, line.Length - 1);

    public override void Dispose()
    {
        _destination?.Dispose();
        base.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Audit stream to {Destination} starts after record {Cursor}")]
    private static partial void LogStarted(ILogger logger, string destination, long cursor);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Audit stream cannot read the audit log, will retry: {Error}")]
    private static partial void LogReadFailed(ILogger logger, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Audit stream delivery to {Destination} failed, retrying in {Seconds}s: {Error}")]
    private static partial void LogDeliveryFailed(ILogger logger, string destination, string error, double seconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Audit stream missed {Count} records ({First} to {Last}): archived before delivery; the archive holds them")]
    private static partial void LogPruned(ILogger logger, long count, long first, long last);

    [LoggerMessage(Level = LogLevel.Error, Message = "Audit stream cursor {Path} is unreadable, streaming from the first record: {Error}")]
    private static partial void LogCursorUnreadable(ILogger logger, string path, string error);

    [LoggerMessage(Level = LogLevel.Error, Message = "Audit stream cursor no longer matches the store, streaming from the first record: {Problem}")]
    private static partial void LogCursorDisowned(ILogger logger, string problem);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Audit stream cursor {Path} not saved (a restart may send records again): {Error}")]
    private static partial void LogCursorNotSaved(ILogger logger, string path, string error);
}
