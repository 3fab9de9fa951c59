using Mandate.Policy;
using Microsoft.Extensions.Logging;

namespace Mandate.Core.Policy;

/// <summary>Log messages of the policy provider. Policies hold no secrets, so problems are logged in full.</summary>
internal static partial class PolicyLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Loaded policy {Version} from {Path} with {RuleCount} rules")]
    public static partial void Loaded(ILogger logger, string version, string path, int ruleCount);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "Policy {Path} changed from {OldVersion} to {NewVersion} ({RuleCount} rules)")]
    public static partial void Changed(ILogger logger, string path, string oldVersion, string newVersion, int ruleCount);

    [LoggerMessage(EventId = 3, Level = LogLevel.Error, Message = "Rejected policy {Path} ({RejectedVersion}); keeping {CurrentVersion}. {ProblemCount} problems:\n{Problems}")]
    public static partial void Rejected(
        ILogger logger, string path, string? rejectedVersion, string currentVersion, int problemCount, string problems);

    [LoggerMessage(EventId = 4, Level = LogLevel.Error, Message = "Reloading policy {Path} after a file change failed")]
    public static partial void ReloadFailed(ILogger logger, string path, Exception exception);

    [LoggerMessage(EventId = 5, Level = LogLevel.Warning, Message = "Watching policy {Path} reported an error; reloading to catch up")]
    public static partial void WatcherError(ILogger logger, string path, Exception exception);
}
