using Chat.Storage.Etcd;

namespace Chat.Files.Storage;

/// <summary>
/// File records in etcd: <c>files/{id}</c>, and each share a key of its own
/// (<c>file-shares/{file}/{conversation}</c>), so concurrent shares never overwrite each other.
/// </summary>
internal sealed class EtcdFileRecordStore : IFileRecordStore, IDisposable
{
    private readonly EtcdKeyValue _etcd;

    public EtcdFileRecordStore(string endpoints, string prefix)
    {
        _etcd = new EtcdKeyValue(endpoints, prefix);
        _etcd.Migrate("files", (1, EtcdKeyValue.Unchanged));
    }

    private string Prefix => _etcd.Prefix;

    public Task PutFileAsync(FileRecord file, CancellationToken cancellationToken = default) =>
        _etcd.PutJsonAsync(Prefix + "files/" + file.FileId, file with { SharedIn = [] }, FileStorageJson.Default.FileRecord, cancellationToken);

    public async Task<FileRecord?> FindFileAsync(string fileId, CancellationToken cancellationToken = default)
    {
        if (await _etcd.GetJsonAsync(Prefix + "files/" + fileId, FileStorageJson.Default.FileRecord, cancellationToken) is not { } file) return null;
        var sharesPrefix = Prefix + "file-shares/" + fileId + "/";
        var shares = (await _etcd.Client.GetRangeAsync(sharesPrefix, cancellationToken: cancellationToken)).Kvs
            .Select(kv => kv.Key.ToStringUtf8()[sharesPrefix.Length..]).Order(StringComparer.Ordinal).ToList();
        return file with { SharedIn = shares };
    }

    public async Task<bool> DeleteFileAsync(string fileId, CancellationToken cancellationToken = default)
    {
        await _etcd.Client.DeleteRangeAsync(Prefix + "file-shares/" + fileId + "/", cancellationToken: cancellationToken);
        return (await _etcd.Client.DeleteAsync(Prefix + "files/" + fileId, cancellationToken: cancellationToken)).Deleted > 0;
    }

    public Task ShareFileAsync(string fileId, string conversationId, CancellationToken cancellationToken = default) =>
        _etcd.Client.PutAsync(Prefix + "file-shares/" + fileId + "/" + conversationId, "", cancellationToken: cancellationToken);

    public void Dispose() => _etcd.Dispose();
}
