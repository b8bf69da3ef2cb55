namespace Chat.Files;

/// <summary>
/// What other services may ask of the file records the Files service owns: the Frontend whether a
/// sender may pass a file on, the Router whether its upload completed and where it was shared,
/// the connectors what to link.
/// </summary>
public interface IFileDirectory
{
    /// <summary>The file with every conversation it was shared in, or null.</summary>
    Task<FileRecord?> FindFileAsync(string fileId, CancellationToken cancellationToken = default);

    /// <summary>Records that a message carried the file to the conversation; safe to repeat, and concurrent shares all stick.</summary>
    Task ShareFileAsync(string fileId, string conversationId, CancellationToken cancellationToken = default);
}

/// <summary>Uploaded files' records and shares: SQLite (<c>files.db</c>) embedded, etcd distributed.</summary>
public interface IFileRecordStore : IFileDirectory
{
    /// <summary>Creates or replaces a file's record (its <see cref="FileRecord.SharedIn"/> is ignored: shares are added one by one).</summary>
    Task PutFileAsync(FileRecord file, CancellationToken cancellationToken = default);

    /// <summary>Removes the record and its shares; false when there was none.</summary>
    Task<bool> DeleteFileAsync(string fileId, CancellationToken cancellationToken = default);
}
