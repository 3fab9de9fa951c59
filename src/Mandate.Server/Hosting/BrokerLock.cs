using System.Globalization;

namespace Mandate.Server.Hosting;

/// <summary>
/// One broker per data directory: an exclusive lock on <c>{data_dir}/broker.lock</c>, held for the life of
/// the process (the OS drops it when the process dies, even on kill -9, so a crash never leaves it stuck).
/// Two brokers on one store would share revocations and audit chain heads, and the second would take over
/// the first one's admin socket.
/// </summary>
public sealed class BrokerLock : IDisposable
{
    public const string LockFileName = "broker.lock";

    // The lock file itself cannot be read while locked (.NET maps FileShare to flock), so the holder's PID is kept beside it.
    public const string PidFileName = "broker.pid";

    private readonly FileStream _lock;
    private readonly string _pidPath;

    private BrokerLock(FileStream held, string pidPath)
    {
        _lock = held;
        _pidPath = pidPath;
    }

    /// <summary>
    /// Takes the lock, or throws <see cref="DataDirectoryInUseException"/> naming the PID that holds it, or an
    /// <see cref="IOException"/> naming the data directory when this user cannot create it or write in it.
    /// </summary>
    public static BrokerLock Acquire(string dataDirectory)
    {
        ArgumentException.ThrowIfNullOrEmpty(dataDirectory);
        try
        {
            return AcquireIn(dataDirectory);
        }
        catch (UnauthorizedAccessException e)
        {
            throw Unusable(dataDirectory, e);
        }
        catch (IOException e) when (e is not DataDirectoryInUseException)
        {
            throw Unusable(dataDirectory, e);
        }
    }

    // The first thing serve writes: a folder it cannot use is a set-up error, said in one line, not a stack trace.
    private static IOException Unusable(string dataDirectory, Exception e) =>
        new($"cannot use data directory {dataDirectory}: {e.Message} Make it a folder this user can create files in, or set data_dir to one", e);

    private static BrokerLock AcquireIn(string dataDirectory)
    {
        Core.Keys.PrivateFile.CreateDirectory(dataDirectory);
        var lockPath = Path.Combine(dataDirectory, LockFileName);
        var pidPath = Path.Combine(dataDirectory, PidFileName);
        FileStream held;
        try
        {
            held = new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException)
        {
            throw new DataDirectoryInUseException(dataDirectory, ReadPid(pidPath));
        }

        Core.Keys.PrivateFile.Restrict(lockPath);
        File.WriteAllText(pidPath, Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + "\n");
        Core.Keys.PrivateFile.Restrict(pidPath);
        return new BrokerLock(held, pidPath);
    }

    public void Dispose()
    {
        if (ReadPid(_pidPath) == Environment.ProcessId)
        {
            File.Delete(_pidPath);
        }

        _lock.Dispose();
    }

    private static int? ReadPid(string path)
    {
        try
        {
            return int.TryParse(File.ReadAllText(path).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) ? pid : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
