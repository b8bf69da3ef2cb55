namespace Chat.Auth.Tests;

/// <summary>Profiles, the search words and sessions (issue 24), on every adapter.</summary>
public abstract partial class AccountStoreContract
{
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds());

    private static async Task<IReadOnlyList<string>> NamesFoundAsync(IAccountStore store, string query) =>
        (await store.SearchUsersAsync(UserSearch.KeyOf(query), 20)).Select(u => u.Username).ToList();

    [Fact]
    public async Task A_user_is_found_by_a_prefix_of_the_name_or_of_a_display_word_ignoring_case_and_accents()
    {
        var store = OpenAccounts();
        Assert.True(await store.TryCreateUserAsync(new User("jgarcia", "José García", "h", At)));
        Assert.True(await store.TryCreateUserAsync(new User("joan", "Joan Miró", "h", At)));
        Assert.True(await store.TryCreateUserAsync(new User("zed", "Zed", "h", At)));

        Assert.Equal(["jgarcia", "joan"], await NamesFoundAsync(store, "JO"));
        Assert.Equal(["jgarcia"], await NamesFoundAsync(store, "jose"));
        Assert.Equal(["jgarcia"], await NamesFoundAsync(store, "garcí"));
        Assert.Equal(["joan"], await NamesFoundAsync(store, "miro"));
        Assert.Empty(await NamesFoundAsync(store, "arcia"));
        Assert.Equal(["jgarcia"], (await store.SearchUsersAsync(UserSearch.KeyOf("j"), 1)).Select(u => u.Username));
    }

    [Fact]
    public async Task A_profile_change_reads_back_and_moves_the_search_words_and_a_deleted_user_is_found_by_name_only()
    {
        var store = OpenAccounts();
        Assert.True(await store.TryCreateUserAsync(new User("pat", "Pat Old", "h", At)));
        var changed = await store.UpdateUserAsync("PAT", u => u with { DisplayName = "Pat Nouveau", StatusText = "away", AvatarFileId = "file-1", Username = "ignored" });
        Assert.Equal(new User("pat", "Pat Nouveau", "h", At, "away", "file-1"), changed);
        Assert.Equal(changed, await OpenAccounts().FindUserAsync("pat"));
        Assert.Empty(await NamesFoundAsync(store, "old"));
        Assert.Equal(["pat"], await NamesFoundAsync(store, "nouv"));
        Assert.Null(await store.UpdateUserAsync("nobody", u => u));

        var deleted = await store.UpdateUserAsync("pat", u => u with { DeletedAt = At.AddDays(1), MustChangePassword = true });
        Assert.Equal(deleted, await store.FindUserAsync("pat"));
        Assert.True(deleted!.IsDeleted);
        Assert.Empty(await NamesFoundAsync(store, "pat"));
        Assert.Empty(await store.ExistingUsersAsync(["pat"]));
        Assert.True(await store.TryCreateUserAsync(new User("lee", "Lee", "h", At)));
        Assert.Equal(["pat"], (await store.DeletedUsersAsync(["PAT", "lee", "nobody"])).Select(n => n.ToLowerInvariant()));
        Assert.Empty(await store.DeletedUsersAsync([]));
        Assert.False(await store.TryCreateUserAsync(new User("pat", "Pat Again", "h", At)));
    }

    [Fact]
    public async Task Sessions_list_oldest_first_record_their_use_and_are_deleted_once_with_their_tokens()
    {
        var store = OpenAccounts();
        var first = new Session("s1", "sam", "Firefox", "10.0.0.1", Now, Now, Now.AddDays(30), [new SessionAccessToken("t1", Now.AddHours(1))]);
        await store.CreateSessionAsync(first);
        await store.CreateSessionAsync(first with { SessionId = "s2", CreatedAt = Now.AddMinutes(1), UserAgent = null, Address = null, AccessTokens = [] });
        await store.CreateSessionAsync(first with { SessionId = "other", Username = "someone" });

        Assert.Equal(["s1", "s2"], (await OpenAccounts().ListSessionsAsync("sam")).Select(s => s.SessionId));
        var expired = new SessionAccessToken("t0", Now.AddMinutes(-1));
        await store.CreateSessionAsync(first with { SessionId = "s3", CreatedAt = Now.AddMinutes(2), AccessTokens = [expired] });
        Assert.True(await store.RecordSessionUseAsync("sam", "s3", new SessionAccessToken("t2", Now.AddHours(2)), Now.AddMinutes(5), Now.AddDays(31)));
        var used = (await store.ListSessionsAsync("sam")).Single(s => s.SessionId == "s3");
        Assert.Equal((Now.AddMinutes(5), Now.AddDays(31), "Firefox", "10.0.0.1"), (used.LastUsedAt, used.ExpiresAt, used.UserAgent, used.Address));
        Assert.Equal([new SessionAccessToken("t2", Now.AddHours(2))], used.AccessTokens);
        Assert.False(await store.RecordSessionUseAsync("someone", "s3", new SessionAccessToken("t9", Now.AddHours(2)), Now, Now.AddDays(1)));

        Assert.Null(await store.DeleteSessionAsync("someone", "s1"));
        var removed = await store.DeleteSessionAsync("sam", "s1");
        Assert.Equal(["t1"], removed!.AccessTokens.Select(t => t.TokenId));
        Assert.Null(await store.DeleteSessionAsync("sam", "s1"));
        Assert.False(await store.RecordSessionUseAsync("sam", "s1", new SessionAccessToken("t3", Now.AddHours(1)), Now, Now.AddDays(1)));
        Assert.Equal(["s2", "s3"], (await store.ListSessionsAsync("sam")).Select(s => s.SessionId));
        Assert.Equal(["other"], (await store.ListSessionsAsync("someone")).Select(s => s.SessionId));
    }
}
