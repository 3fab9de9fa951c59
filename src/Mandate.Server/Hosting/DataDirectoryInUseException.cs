namespace Mandate.Server.Hosting;

/// <summary>Another broker holds the data directory's lock; this one must not start on the same store.</summary>
public sealed class DataDirectoryInUseException : IOException
{
    public DataDirectoryInUseException(string dataDirectory, int? pid)
        : base($"another broker{(pid is { } p ? $" (PID {p})" : "")} is running on data directory {dataDirectory} (it holds {Path.Combine(dataDirectory, BrokerLock.LockFileName)}); "
            + "stop it first, or give this broker its own data_dir")
    {
        DataDirectory = dataDirectory;
        Pid = pid;
    }

    public DataDirectoryInUseException()
    {
        DataDirectory = "";
    }

    public DataDirectoryInUseException(string message)
        : base(message)
    {
        DataDirectory = "";
    }

    public DataDirectoryInUseException(string message, Exception innerException)
        : base(message, innerException)
    {
        DataDirectory = "";
    }

    public string DataDirectory { get; }

    /// <summary>The holder's process id, when its PID file could be read.</summary>
    public int? Pid { get; }
}
