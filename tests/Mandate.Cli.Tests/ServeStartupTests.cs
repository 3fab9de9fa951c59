using System.Net;
using System.Net.Sockets;
using Mandate.Core.Audit;
using Mandate.Core.Configuration;
using Mandate.Server.Hosting;
using Mandate.Storage.Sqlite;
using Mandate.Testing;

namespace Mandate.Cli.Tests;

/// <summary>
/// <c>mandate serve</c> start-up against real brokers: one broker per data directory, its admin socket never taken
/// or deleted by another process, a failed start that says what to do in one line and records nothing.
/// </summary>
public sealed class ServeStartupTests
{
    [Fact]
    public async Task Invariant6_SecondBrokerOnTheSameDataDirectory_IsRefusedNamingThePidAndTheFirstKeepsItsAdminSocket()
    {
        using var dir = new TempFolder();
        var config = TestConfig.Write(dir);
        var options = ConfigLoader.LoadFile(config);
        await using var first = await StartAsync(options);

        var (exit, output) = await CliRunner.RunAsync("serve", "-c", config, "--listen", "http://127.0.0.1:0");

        Assert.Equal(2, exit);
        Assert.Contains($"another broker (PID {Environment.ProcessId}) is running on data directory {options.DataDirectory}", output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", output, StringComparison.Ordinal);
        Assert.True(File.Exists(options.AdminSocket), "the first broker's admin socket was removed");

        // The kill switch still reaches the running broker.
        var (revoked, revokeOutput) = await CliRunner.RunAsync("revoke", "-c", config, "--jti", "jti_still_reachable", "--reason", "test");
        Assert.True(revoked == 0, revokeOutput);
    }

    [Theory]
    [InlineData("node a")]
    [InlineData("node/a")]
    public async Task Serve_BadNodeFlag_RefusedInOneLineBeforeStarting(string node)
    {
        using var dir = new TempFolder();
        var config = TestConfig.Write(dir);

        var (exit, output) = await CliRunner.RunAsync("serve", "-c", config, "--listen", "http://127.0.0.1:0", "--node", node);

        Assert.Equal(2, exit);
        Assert.Contains("--node", output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", output, StringComparison.Ordinal);
        Assert.False(File.Exists(ConfigLoader.LoadFile(config).StorePath), "a refused start created the store");
    }

    [Fact]
    public async Task Invariant6_BrokerStopped_LockIsReleasedForTheNextBroker()
    {
        using var dir = new TempFolder();
        var options = ConfigLoader.LoadFile(TestConfig.Write(dir));
        await (await StartAsync(options)).DisposeAsync();

        await using var second = await StartAsync(options);

        Assert.True(File.Exists(options.AdminSocket));
    }

    [Fact]
    public async Task Invariant6_AdminSocketReplacedWhileRunning_IsNotDeletedOnExit()
    {
        using var dir = new TempFolder();
        var options = ConfigLoader.LoadFile(TestConfig.Write(dir));
        var broker = await StartAsync(options);
        File.Delete(options.AdminSocket);
        using var other = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        other.Bind(new UnixDomainSocketEndPoint(options.AdminSocket));
        other.Listen(1);

        await broker.DisposeAsync();

        Assert.True(File.Exists(options.AdminSocket), "the broker deleted a socket it did not create");
    }

    [Fact]
    public async Task Invariant6_AdminSocketServedByAnotherProcess_IsNotTakenOver()
    {
        using var dir = new TempFolder();
        var options = ConfigLoader.LoadFile(TestConfig.Write(dir));
        Directory.CreateDirectory(Path.GetDirectoryName(options.AdminSocket)!);
        using var other = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        other.Bind(new UnixDomainSocketEndPoint(options.AdminSocket));
        other.Listen(1);

        var error = await Assert.ThrowsAsync<IOException>(() => StartAsync(options));

        Assert.Contains($"another process is serving the socket {options.AdminSocket}", error.Message, StringComparison.Ordinal);
        Assert.True(File.Exists(options.AdminSocket));
    }

    [Fact]
    public async Task Invariant2_PortInUse_OneLineWithTheFixAndNothingRecorded()
    {
        using var dir = new TempFolder();
        var config = TestConfig.Write(dir);
        var options = ConfigLoader.LoadFile(config);
        await (await StartAsync(options)).DisposeAsync();
        var before = await AuditRecordsAsync(options);
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var url = $"http://127.0.0.1:{((IPEndPoint)taken.LocalEndpoint).Port}";

        var (exit, output) = await CliRunner.RunAsync("serve", "-c", config, "--listen", url);

        Assert.Equal(2, exit);
        var line = Assert.Single(output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains($"cannot listen on {url}: the address is already in use", line, StringComparison.Ordinal);
        Assert.Contains("another broker running", line, StringComparison.Ordinal);
        Assert.Contains("--listen", line, StringComparison.Ordinal);
        Assert.Equal(before, await AuditRecordsAsync(options));
        Assert.False(File.Exists(Path.Combine(options.DataDirectory, BrokerLock.PidFileName)), "the failed start kept the data directory");
    }

    [Fact]
    public async Task Invariant2_ProxyPortInUse_FailsBeforeAnythingIsRecorded()
    {
        using var dir = new TempFolder();
        var options = ConfigLoader.LoadFile(TestConfig.Write(dir));
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var url = $"http://127.0.0.1:{((IPEndPoint)taken.LocalEndpoint).Port}";

        var error = await Assert.ThrowsAsync<ListenerInUseException>(() => StartAsync(options, proxyUrl: url));

        Assert.Contains(url, error.Message, StringComparison.Ordinal);
        Assert.Contains("'proxy.listen:' in the configuration", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("--listen", error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(options.StorePath), "a start that could not listen opened the store");
    }

    [Fact]
    public async Task Serve_RefusedAfterThePolicyLoaded_SaysOnlyItsOneErrorLine()
    {
        using var dir = new TempFolder();
        // The policy loads first; the store, opened next, is a PostgreSQL server that cannot be reached.
        var config = StoreOutageExitCodeTests.WritePostgres(dir, $"Host=127.0.0.1;Port={LoopbackPort.Refused};Username=mandate;Password=never-shown;Database=mandate;Timeout=2");

        // A child process: the log lines go to the process's console, which an in-process run does not capture.
        var (exit, output) = await Durability.BrokerProcess.RefusedAsync(config, TimeSpan.FromSeconds(60));

        Assert.NotEqual(0, exit);
        var line = Assert.Single(output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error: ", line, StringComparison.Ordinal);
        Assert.Contains("cannot be reached", line, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("a file")]
    [InlineData("a folder this user cannot write")]
    public async Task Serve_DataDirectoryItCannotUse_OneLineNamingItExit2AndNothingStarted(string what)
    {
        using var dir = new TempFolder();
        var config = TestConfig.Write(dir);
        var data = what == "a file" ? dir.Write("data", "") : UnwritableFolder(dir);
        if (data is null)
        {
            return;
        }

        File.WriteAllText(config, File.ReadAllText(config).Replace("data_dir: data", $"data_dir: {data}", StringComparison.Ordinal));

        var (exit, output) = await CliRunner.RunAsync("serve", "-c", config, "--listen", "http://127.0.0.1:0");

        Assert.Equal(2, exit);
        var line = Assert.Single(output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains($"cannot use data directory {data}", line, StringComparison.Ordinal);
        Assert.Contains("data_dir", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_AdminSocketInAFolderItCannotWrite_OneLineNamingThePathExit2()
    {
        using var dir = new TempFolder();
        var config = TestConfig.Write(dir);
        if (UnwritableFolder(dir) is not { } folder)
        {
            return;
        }

        File.AppendAllText(config, $"\nadmin_socket: {folder}/admin.sock\n");

        var (exit, output) = await CliRunner.RunAsync("serve", "-c", config, "--listen", "http://127.0.0.1:0");

        Assert.Equal(2, exit);
        var line = Assert.Single(output.Split('\n', StringSplitOptions.RemoveEmptyEntries), l => l.StartsWith("error:", StringComparison.Ordinal));
        Assert.Contains(folder, line, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_StaleAdminSocketLeftByACrash_IsReplacedAndAnswers()
    {
        using var dir = new TempFolder();
        var config = TestConfig.Write(dir);
        var options = ConfigLoader.LoadFile(config);
        Directory.CreateDirectory(Path.GetDirectoryName(options.AdminSocket)!);
        StaleSocket.LeaveAt(options.AdminSocket);

        await using var broker = await StartAsync(options);

        var (exit, output) = await CliRunner.RunAsync("approvals", "list", "-c", config);
        Assert.True(exit == 0, output);
    }

    [Fact]
    public async Task DataDirectoryStoreFilesAndAdminSocket_AreOwnerOnly_AndNothingIsLeftBesideTheSocket()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        using var dir = new TempFolder();
        var options = ConfigLoader.LoadFile(TestConfig.Write(dir));
        var broker = await StartAsync(options);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(options.DataDirectory));
        foreach (var file in new[] { options.StorePath, options.StorePath + "-wal", options.StorePath + "-shm", options.Keys.KekFile!, Path.Combine(options.DataDirectory, BrokerLock.LockFileName), options.AdminSocket })
        {
            Assert.True(File.Exists(file), file);
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        }

        // The folder the socket was bound in is gone once it is published, and the socket once the broker stops.
        Assert.DoesNotContain(Directory.GetFileSystemEntries(options.DataDirectory), e => e.StartsWith(options.AdminSocket + ".", StringComparison.Ordinal));
        await broker.DisposeAsync();
        Assert.DoesNotContain(Directory.GetFileSystemEntries(options.DataDirectory), e => e.StartsWith(options.AdminSocket, StringComparison.Ordinal));
    }

    /// <summary>A folder this process cannot create files in: mode 0500, or for root (whom modes do not stop) sysfs; null when neither.</summary>
    private static string? UnwritableFolder(TempFolder dir)
    {
        var folder = Path.Combine(dir.Path, "read-only");
        Directory.CreateDirectory(folder);
        if (OperatingSystem.IsWindows())
        {
            return null;
        }

        File.SetUnixFileMode(folder, UnixFileMode.UserRead | UnixFileMode.UserExecute);
        try
        {
            File.WriteAllText(Path.Combine(folder, "probe"), "");
        }
        catch (UnauthorizedAccessException)
        {
            return folder;
        }

        File.SetUnixFileMode(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return OperatingSystem.IsLinux() && Directory.Exists("/sys/kernel") ? "/sys/kernel" : null;
    }

    private static async Task<MandateApp> StartAsync(MandateOptions options, string? proxyUrl = null)
    {
        var app = await MandateServer.CreateAsync(options, TestBroker.Options(proxyUrl));
        try
        {
            await app.StartAsync();
            return app;
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
    }

    private static async Task<List<string>> AuditRecordsAsync(MandateOptions options)
    {
        await using var store = new SqliteMandateStore(new SqliteStoreOptions { FilePath = options.StorePath });
        var kinds = new List<string>();
        await foreach (var record in store.ReadAuditAsync(new AuditQuery { Limit = 1000 }, CancellationToken.None))
        {
            kinds.Add($"{record.Sequence}:{record.Hash}");
        }

        return kinds;
    }
}
