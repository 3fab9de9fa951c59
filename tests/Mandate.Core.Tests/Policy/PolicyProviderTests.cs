using Mandate.Core.Policy;
using Mandate.Policy;
using Mandate.Testing;
using static Mandate.Policy.Tests.PolicyTestData;

namespace Mandate.Core.Tests.Policy;

public sealed class PolicyProviderTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);
    private static readonly string AllowRefunds = Rules(Rule("support-refunds", "allow", Support, "refunds"));
    private static readonly string AllowCrm = Rules(Rule("support-crm", "allow", Support, "crm"));

    private readonly string _directory = Directory.CreateTempSubdirectory("mandate-policy-").FullName;
    private readonly ManualTimeProvider _time = new();

    private string PolicyPath => Path.Combine(_directory, "policy.yaml");

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void Load_ValidFile_ExposesSnapshot()
    {
        File.WriteAllText(PolicyPath, AllowRefunds);

        using var provider = PolicyProvider.Load(PolicyPath, _time);

        Assert.Equal(Load(AllowRefunds).Version, provider.Current.Version);
        Assert.Equal(PolicyPath, provider.Path);
        Assert.True(PolicyEngine.Evaluate(provider.Current, UserRequest).IsAllowed);
    }

    [Fact]
    public void Load_InvalidFileAtStartup_ThrowsListingEveryProblem()
    {
        File.WriteAllText(PolicyPath, "rules:\n  - id: a\n    effect: permit\n");

        var error = Assert.Throws<PolicyLoadException>(() => PolicyProvider.Load(PolicyPath, _time));

        Assert.Equal(4, error.Problems.Count);
        Assert.Contains("has 4 problems", error.Message, StringComparison.Ordinal);
        Assert.Contains($"{PolicyPath}:3:13: rules[0].effect: must be 'allow', 'deny' or 'require_approval', found 'permit'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LoadAsync_MissingFile_Throws()
    {
        var error = await Assert.ThrowsAsync<PolicyLoadException>(() => PolicyProvider.LoadAsync(PolicyPath, _time));

        Assert.Contains("cannot read the policy file", Assert.Single(error.Problems).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReloadAsync_ValidChange_SwapsSnapshotAndRaisesChanged()
    {
        File.WriteAllText(PolicyPath, AllowRefunds);
        using var provider = PolicyProvider.Load(PolicyPath, _time);
        var before = provider.Current;
        var changes = new List<PolicyChangedEventArgs>();
        provider.Changed += (_, e) => changes.Add(e);
        File.WriteAllText(PolicyPath, AllowCrm);

        var result = await provider.ReloadAsync();

        Assert.True(result.IsValid);
        Assert.Same(result.Snapshot, provider.Current);
        var change = Assert.Single(changes);
        Assert.Equal((before.Version, Load(AllowCrm).Version), (change.OldVersion, change.NewVersion));
        Assert.True(PolicyEngine.Evaluate(before, UserRequest).IsAllowed);
        Assert.False(PolicyEngine.Evaluate(provider.Current, UserRequest).IsAllowed);
    }

    [Fact]
    public async Task ReloadAsync_InvalidFile_KeepsOldVersionAndReturnsProblems()
    {
        File.WriteAllText(PolicyPath, AllowRefunds);
        using var provider = PolicyProvider.Load(PolicyPath, _time);
        var before = provider.Current;
        var changed = 0;
        var rejections = new List<PolicyRejectedEventArgs>();
        provider.Changed += (_, _) => changed++;
        provider.Rejected += (_, e) => rejections.Add(e);
        File.WriteAllText(PolicyPath, "rules:\n  - id: a\n    effect: permit\n");

        var result = await provider.ReloadAsync();

        Assert.False(result.IsValid);
        Assert.Equal(4, result.Problems.Count);
        Assert.Same(before, provider.Current);
        Assert.Equal(0, changed);
        var rejection = Assert.Single(rejections);
        Assert.Equal(before.Version, rejection.CurrentVersion);
        Assert.Same(result, rejection.Result);
        Assert.True(PolicyEngine.Evaluate(provider.Current, UserRequest).IsAllowed);
    }

    [Fact]
    public async Task ReloadAsync_FileDeleted_KeepsOldVersion()
    {
        File.WriteAllText(PolicyPath, AllowRefunds);
        using var provider = PolicyProvider.Load(PolicyPath, _time);
        var before = provider.Current;
        File.Delete(PolicyPath);

        var result = await provider.ReloadAsync();

        Assert.False(result.IsValid);
        Assert.Same(before, provider.Current);
    }

    [Fact]
    public async Task ReloadAsync_UnchangedFile_DoesNotRaiseChanged()
    {
        File.WriteAllText(PolicyPath, AllowRefunds);
        using var provider = PolicyProvider.Load(PolicyPath, _time);
        var before = provider.Current;
        var changed = 0;
        provider.Changed += (_, _) => changed++;

        var result = await provider.ReloadAsync();

        Assert.True(result.IsValid);
        Assert.Equal(0, changed);
        Assert.Same(before, provider.Current);
    }

    [Fact]
    public async Task NotifyFileChanged_BurstOfEvents_ReloadsOnceAfterQuietPeriod()
    {
        File.WriteAllText(PolicyPath, AllowRefunds);
        using var provider = PolicyProvider.Load(PolicyPath, _time);
        var reloaded = new TaskCompletionSource<PolicyChangedEventArgs>(TaskCreationOptions.RunContinuationsAsynchronously);
        var changed = 0;
        provider.Changed += (_, e) =>
        {
            Interlocked.Increment(ref changed);
            reloaded.TrySetResult(e);
        };
        File.WriteAllText(PolicyPath, AllowCrm);

        // No real watcher here: its events would re-arm the timer at times this test does not control.
        for (var i = 0; i < 3; i++)
        {
            provider.NotifyFileChanged();
            _time.Advance(TimeSpan.FromMilliseconds(200));
        }

        _time.Advance(TimeSpan.FromMilliseconds(49));
        Assert.False(reloaded.Task.IsCompleted);
        Assert.Equal(Load(AllowRefunds).Version, provider.Current.Version);

        _time.Advance(TimeSpan.FromMilliseconds(1));
        var change = await reloaded.Task.WaitAsync(Patience);

        Assert.Equal(Load(AllowCrm).Version, change.NewVersion);
        Assert.Equal(1, changed);
    }

    [Fact]
    public async Task StartWatching_FileRewritten_ReloadsAfterDebounce()
    {
        File.WriteAllText(PolicyPath, AllowRefunds);
        using var provider = PolicyProvider.Load(PolicyPath, _time);
        var reloaded = new TaskCompletionSource<PolicyChangedEventArgs>(TaskCreationOptions.RunContinuationsAsynchronously);
        provider.Changed += (_, e) => reloaded.TrySetResult(e);
        provider.StartWatching();

        // Editors save by writing a temporary file and renaming it over the policy.
        var temporary = Path.Combine(_directory, "policy.yaml.tmp");
        File.WriteAllText(temporary, AllowCrm);
        File.Move(temporary, PolicyPath, overwrite: true);
        await _time.WhenTimerArmedAsync().WaitAsync(Patience);
        _time.Advance(PolicyProvider.DefaultDebounce);
        var change = await reloaded.Task.WaitAsync(Patience);

        Assert.Equal(Load(AllowCrm).Version, change.NewVersion);
        Assert.Equal(change.NewVersion, provider.Current.Version);
    }

    [Fact]
    public async Task NotifyFileChanged_InvalidRewrite_RaisesRejectedAndKeepsOldVersion()
    {
        File.WriteAllText(PolicyPath, AllowRefunds);
        using var provider = PolicyProvider.Load(PolicyPath, _time);
        var before = provider.Current;
        var rejected = new TaskCompletionSource<PolicyRejectedEventArgs>(TaskCreationOptions.RunContinuationsAsynchronously);
        provider.Rejected += (_, e) => rejected.TrySetResult(e);
        File.WriteAllText(PolicyPath, "rules: [\n");

        provider.NotifyFileChanged();
        _time.Advance(PolicyProvider.DefaultDebounce);
        var rejection = await rejected.Task.WaitAsync(Patience);

        Assert.Contains("malformed YAML", Assert.Single(rejection.Result.Problems).Message, StringComparison.Ordinal);
        Assert.Same(before, provider.Current);
    }

    [Fact]
    public void Dispose_PendingReload_NeverRuns()
    {
        File.WriteAllText(PolicyPath, AllowRefunds);
        var provider = PolicyProvider.Load(PolicyPath, _time);
        var before = provider.Current;
        provider.StartWatching();
        File.WriteAllText(PolicyPath, AllowCrm);
        provider.NotifyFileChanged();

        provider.Dispose();
        _time.Advance(TimeSpan.FromMinutes(1));

        Assert.Same(before, provider.Current);
        Assert.Throws<ObjectDisposedException>(() => provider.StartWatching());
    }
}
