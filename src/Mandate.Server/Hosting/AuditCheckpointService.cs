using Mandate.Core.Audit.Checkpoints;
using Mandate.Core.Configuration;
using Mandate.Core.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Mandate.Server.Hosting;

/// <summary>Every <c>audit.checkpoints.interval</c>: signs the audit chain head and appends it to the checkpoint file when it moved.</summary>
internal sealed partial class AuditCheckpointService : BackgroundService
{
    private readonly AuditCheckpointWriter _writer;
    private readonly TimeSpan _interval;
    private readonly TimeProvider _time;
    private readonly ILogger<AuditCheckpointService> _logger;

    public AuditCheckpointService(AuditCheckpointWriter writer, MandateOptions options, TimeProvider time, ILogger<AuditCheckpointService> logger)
    {
        _writer = writer;
        _interval = options.AuditCheckpoints.Interval;
        _time = time;
        _logger = logger;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(_interval, _time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                var outcome = await _writer.WriteAsync(stoppingToken);
                if (outcome.Written is { } checkpoint)
                {
                    LogWritten(_logger, checkpoint.Sequence);
                }
                else if (outcome.Broken is { } broken)
                {
                    // Every tick refuses again until the chain verifies: a checkpoint would sign the tampered chain.
                    LogRefused(_logger, broken.Sequence ?? 0, outcome.Refusal!);
                }
                else
                {
                    LogHeadUnchanged(_logger);
                }
            }
            catch (Exception e) when (e is StoreUnavailableException or IOException or UnauthorizedAccessException)
            {
                // The chain is still in the store; the next tick checkpoints the head it reaches by then.
                LogFailed(_logger, e.Message);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Audit checkpoint written at record {Sequence}")]
    private static partial void LogWritten(ILogger logger, long sequence);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Audit chain head has not moved since the last checkpoint; none written")]
    private static partial void LogHeadUnchanged(ILogger logger);

    [LoggerMessage(Level = LogLevel.Error, Message = "Audit checkpoint refused, chain broken at record {Sequence}: {Refusal}")]
    private static partial void LogRefused(ILogger logger, long sequence, string refusal);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Audit checkpoint failed, will retry: {Error}")]
    private static partial void LogFailed(ILogger logger, string error);
}
