using Chat.Storage.Sqlite;

namespace Chat.Files.Storage;

/// <summary>File records in <c>files.db</c> (the tables lived in <c>metadata.db</c> before).</summary>
internal sealed class SqliteFileRecordStore(string path, string legacyMetadataPath) : IFileRecordStore
{
    private const string Schema = """
        CREATE TABLE IF NOT EXISTS files (file_id TEXT PRIMARY KEY, record TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS file_shares (file_id TEXT NOT NULL, conversation_id TEXT NOT NULL, PRIMARY KEY (file_id, conversation_id));
        """;

    private readonly SqliteDatabase _db = new(path, "files",
        SqliteMigration.Sql(1, "files and shares", Schema),
        SqliteMigration.MoveFromLegacyFile(2, legacyMetadataPath, "files", "file_shares"));

    public Task PutFileAsync(FileRecord file, CancellationToken cancellationToken = default) =>
        _db.WriteAsync((connection, tx) =>
        {
            using var upsert = connection.Command("INSERT INTO files VALUES ($id, $r) ON CONFLICT (file_id) DO UPDATE SET record = $r", tx,
                ("$id", file.FileId), ("$r", System.Text.Json.JsonSerializer.Serialize(file with { SharedIn = [] }, FileStorageJson.Default.FileRecord)));
            return upsert.ExecuteNonQuery();
        }, cancellationToken);

    public Task<FileRecord?> FindFileAsync(string fileId, CancellationToken cancellationToken = default) =>
        Task.FromResult(_db.Read(connection =>
        {
            var file = connection.Command("SELECT record FROM files WHERE file_id = $id", null, ("$id", fileId))
                .Query(r => System.Text.Json.JsonSerializer.Deserialize(r.GetString(0), FileStorageJson.Default.FileRecord)!).FirstOrDefault();
            if (file is null) return null;
            var shares = connection.Command("SELECT conversation_id FROM file_shares WHERE file_id = $id ORDER BY conversation_id", null, ("$id", fileId))
                .Query(r => r.GetString(0)).ToList();
            return file with { SharedIn = shares };
        }));

    public Task<bool> DeleteFileAsync(string fileId, CancellationToken cancellationToken = default) =>
        _db.WriteAsync((connection, tx) =>
        {
            using var shares = connection.Command("DELETE FROM file_shares WHERE file_id = $id", tx, ("$id", fileId));
            shares.ExecuteNonQuery();
            using var delete = connection.Command("DELETE FROM files WHERE file_id = $id", tx, ("$id", fileId));
            return delete.ExecuteNonQuery() == 1;
        }, cancellationToken);

    public Task ShareFileAsync(string fileId, string conversationId, CancellationToken cancellationToken = default) =>
        _db.WriteAsync((connection, tx) =>
        {
            using var insert = connection.Command("INSERT INTO file_shares VALUES ($f, $c) ON CONFLICT DO NOTHING", tx, ("$f", fileId), ("$c", conversationId));
            return insert.ExecuteNonQuery();
        }, cancellationToken);
}
