namespace Chat.Shared;

/// <summary>
/// Files holding secret keys (token signing keys, the file-URL signing key): owner-only from the
/// moment they exist — the file 0600, its directory 0700 — so no other local user can read them
/// (issue 14, point 6). The mode is given at creation, not set afterwards, so there is no window in
/// which the key is world-readable.
/// </summary>
public static class KeyFiles
{
    private const UnixFileMode OwnerOnlyDirectory = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode OwnerOnlyFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>Creates the directory owner-only, or narrows an existing one (a data directory from before this rule).</summary>
    public static string PrivateDirectory(string path)
    {
        if (OperatingSystem.IsWindows()) return Directory.CreateDirectory(path).FullName;
        var directory = Directory.CreateDirectory(path, OwnerOnlyDirectory);
        if (File.GetUnixFileMode(directory.FullName) != OwnerOnlyDirectory) File.SetUnixFileMode(directory.FullName, OwnerOnlyDirectory);
        return directory.FullName;
    }

    /// <summary>Writes a new key file, owner-only; throws <see cref="IOException"/> when it exists already.</summary>
    public static void WriteNew(string path, ReadOnlySpan<byte> key)
    {
        PrivateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = OwnerOnlyFile;
        using var stream = new FileStream(path, options);
        stream.Write(key);
    }
}
