using Mandate.Policy;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Mandate.Core.Policy;

/// <summary>
/// Holds the policy in force and replaces it when the file changes. Readers take
/// <see cref="Current"/> once per request and evaluate against that snapshot; a reload swaps the
/// reference atomically, so no request ever sees half of two versions. An invalid file never
/// replaces a valid policy: the old one stays and <see cref="Rejected"/> says why.
/// </summary>
public sealed class PolicyProvider : IDisposable
{
    /// <summary>Default wait after the last file event before reloading (250 ms): editors write in bursts.</summary>
    public static readonly TimeSpan DefaultDebounce = TimeSpan.FromMilliseconds(250);

    private readonly TimeProvider _timeProvider;

    // The configured tools a reload is checked against too (null: not checked).
    private readonly PolicyToolCatalog? _knownTools;
    private readonly ILogger _logger;

    // Serializes reloads so Changed events arrive in the order the versions took effect.
    // Never disposed: it has no wait handle, and a reload in flight at Dispose must still release it.
    private readonly SemaphoreSlim _reloadGate = new(1, 1);

    // Cancelled, never disposed, at Dispose: a timer callback may still read the token afterwards.
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _watchLock = new();

    private volatile PolicySnapshot _current;
    private FileSystemWatcher? _watcher;
    private ITimer? _debounceTimer;
    private TimeSpan _debounce = DefaultDebounce;
    private bool _disposed;

    private PolicyProvider(string path, PolicySnapshot initial, TimeProvider timeProvider, ILogger logger, PolicyToolCatalog? knownTools)
    {
        Path = path;
        _knownTools = knownTools;
        _current = initial;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    /// <summary>Raised after a reload put a new version in force (not for an unchanged file).</summary>
    public event EventHandler<PolicyChangedEventArgs>? Changed;

    /// <summary>Raised when a reload found the file invalid or unreadable; the old version stays.</summary>
    public event EventHandler<PolicyRejectedEventArgs>? Rejected;

    /// <summary>Full path of the policy file.</summary>
    public string Path { get; }

    /// <summary>The policy in force. Read it once per request.</summary>
    public PolicySnapshot Current => _current;

    /// <summary>
    /// Logs which policy is in force. Left to the caller, so a start refused after the policy loaded says only its
    /// one error line.
    /// </summary>
    public void LogLoaded() => PolicyLog.Loaded(_logger, _current.Version, Path, _current.Rules.Length);

    /// <summary>
    /// Loads the policy at startup. Throws <see cref="PolicyLoadException"/> listing every problem
    /// when the file is invalid or unreadable, since there is no older policy to keep.
    /// </summary>
    public static PolicyProvider Load(string path, TimeProvider timeProvider, ILogger<PolicyProvider>? logger = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var fullPath = System.IO.Path.GetFullPath(path);
        return Create(fullPath, PolicyLoader.LoadFile(fullPath), timeProvider, logger, knownTools: null);
    }

    /// <summary><see cref="Load(string, TimeProvider, ILogger{PolicyProvider}?)"/>, refusing rules (now and on reload) that name a tool outside <paramref name="knownTools"/>.</summary>
    public static PolicyProvider Load(string path, TimeProvider timeProvider, PolicyToolCatalog knownTools, ILogger<PolicyProvider>? logger = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var fullPath = System.IO.Path.GetFullPath(path);
        return Create(fullPath, PolicyLoader.LoadFile(fullPath, knownTools), timeProvider, logger, knownTools);
    }

    /// <summary>Asynchronous <see cref="Load(string, TimeProvider, ILogger{PolicyProvider}?)"/>.</summary>
    public static async Task<PolicyProvider> LoadAsync(
        string path, TimeProvider timeProvider, ILogger<PolicyProvider>? logger = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var fullPath = System.IO.Path.GetFullPath(path);
        return Create(fullPath, await PolicyLoader.LoadFileAsync(fullPath, cancellationToken), timeProvider, logger, knownTools: null);
    }

    /// <summary>Asynchronous <see cref="Load(string, TimeProvider, PolicyToolCatalog, ILogger{PolicyProvider}?)"/>.</summary>
    public static async Task<PolicyProvider> LoadAsync(
        string path, TimeProvider timeProvider, PolicyToolCatalog knownTools, ILogger<PolicyProvider>? logger = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var fullPath = System.IO.Path.GetFullPath(path);
        return Create(fullPath, await PolicyLoader.LoadFileAsync(fullPath, knownTools, cancellationToken), timeProvider, logger, knownTools);
    }

    /// <summary>
    /// Reads the file again. A valid new version replaces the current one and raises
    /// <see cref="Changed"/>; an invalid one is rejected (old version kept, <see cref="Rejected"/>
    /// raised, problems in the result). An unchanged file changes nothing.
    /// </summary>
    public async Task<PolicyLoadResult> ReloadAsync(CancellationToken cancellationToken = default)
    {
        await _reloadGate.WaitAsync(cancellationToken);
        try
        {
            var result = await PolicyLoader.LoadFileAsync(Path, _knownTools, cancellationToken);
            var old = _current;
            if (!result.IsValid)
            {
                PolicyLog.Rejected(_logger, Path, result.Version, old.Version, result.Problems.Count, string.Join('\n', result.Problems));
                Rejected?.Invoke(this, new PolicyRejectedEventArgs(old.Version, result));
                return result;
            }

            if (string.Equals(result.Snapshot.Version, old.Version, StringComparison.Ordinal))
            {
                return result;
            }

            _current = result.Snapshot;
            PolicyLog.Changed(_logger, Path, old.Version, result.Snapshot.Version, result.Snapshot.Rules.Length);
            Changed?.Invoke(this, new PolicyChangedEventArgs(old.Version, result.Snapshot));
            return result;
        }
        finally
        {
            _reloadGate.Release();
        }
    }

    /// <summary>
    /// Starts watching the file's directory and reloads <paramref name="debounce"/> after the last
    /// change (default <see cref="DefaultDebounce"/>). Failed reloads are logged and raise
    /// <see cref="Rejected"/>. Calling it again only changes the debounce.
    /// </summary>
    public void StartWatching(TimeSpan? debounce = null)
    {
        lock (_watchLock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _debounce = debounce ?? DefaultDebounce;
            if (_watcher is not null)
            {
                return;
            }

            // The whole directory, not just the file name: editors save by renaming a temp file over
            // the policy, and Kubernetes swaps a '..data' symlink; both change the file without an
            // event that names it. An event that changed nothing reloads the same version: a no-op.
            var directory = System.IO.Path.GetDirectoryName(Path)!;
            var watcher = new FileSystemWatcher(directory)
            {
                NotifyFilter = NotifyFilters.FileName | NotifyFilters.DirectoryName | NotifyFilters.LastWrite
                    | NotifyFilters.Size | NotifyFilters.CreationTime,
            };
            watcher.Changed += (_, _) => NotifyFileChanged();
            watcher.Created += (_, _) => NotifyFileChanged();
            watcher.Deleted += (_, _) => NotifyFileChanged();
            watcher.Renamed += (_, _) => NotifyFileChanged();
            watcher.Error += (_, e) =>
            {
                PolicyLog.WatcherError(_logger, Path, e.GetException());
                NotifyFileChanged();
            };
            watcher.EnableRaisingEvents = true;
            _watcher = watcher;
        }
    }

    /// <summary>Stops watching and cancels a pending reload. <see cref="Current"/> stays readable.</summary>
    public void Dispose()
    {
        lock (_watchLock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _watcher?.Dispose();
            _debounceTimer?.Dispose();
            _stopping.Cancel();
        }
    }

    /// <summary>
    /// Records a file event: (re)arms the debounce timer so a burst of writes causes one reload.
    /// The watcher calls it; tests call it directly with a fake <see cref="TimeProvider"/>.
    /// </summary>
    internal void NotifyFileChanged()
    {
        lock (_watchLock)
        {
            if (_disposed)
            {
                return;
            }

            _debounceTimer ??= _timeProvider.CreateTimer(
                _ => _ = ReloadAfterFileChangeAsync(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            _debounceTimer.Change(_debounce, Timeout.InfiniteTimeSpan);
        }
    }

    private static PolicyProvider Create(string path, PolicyLoadResult result, TimeProvider timeProvider, ILogger? logger, PolicyToolCatalog? knownTools)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        if (!result.IsValid)
        {
            throw new PolicyLoadException(path, result.Problems);
        }

        return new PolicyProvider(path, result.Snapshot, timeProvider, logger ?? NullLogger.Instance, knownTools);
    }

    private async Task ReloadAfterFileChangeAsync()
    {
        try
        {
            await ReloadAsync(_stopping.Token);
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            // Disposed while reloading: nobody is left to use the result.
        }
        catch (Exception e)
        {
            // A timer callback has no caller to throw to (e.g. a Changed handler failed): log, keep watching.
            PolicyLog.ReloadFailed(_logger, Path, e);
        }
    }
}
