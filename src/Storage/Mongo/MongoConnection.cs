using System.Collections.Concurrent;
using MongoDB.Bson.Serialization.Conventions;
using MongoDB.Driver;

namespace Chat.Storage.Mongo;

/// <summary>How every MongoDB adapter connects: write concern majority, reads primaryPreferred, camelCase fields.</summary>
public static class MongoConnection
{
    private static readonly ConcurrentDictionary<string, bool> ConventionsRegistered = new();

    /// <param name="documentNamespace">The namespace of the adapter's document classes (the conventions apply to those).</param>
    public static (IMongoClient Client, IMongoDatabase Database) Open(string connectionString, string database, string documentNamespace)
    {
        // The registry is process-wide and keeps every pack it is given: register each namespace once.
        if (ConventionsRegistered.TryAdd(documentNamespace, true))
            ConventionRegistry.Register("chat:" + documentNamespace,
                new ConventionPack { new CamelCaseElementNameConvention(), new IgnoreExtraElementsConvention(true) }, t => t.Namespace == documentNamespace);
        var settings = MongoClientSettings.FromConnectionString(connectionString);
        settings.WriteConcern = WriteConcern.WMajority;
        settings.ReadPreference = ReadPreference.PrimaryPreferred;
        var client = new MongoClient(settings);
        return (client, client.GetDatabase(database));
    }
}
