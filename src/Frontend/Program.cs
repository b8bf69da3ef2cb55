using Chat.Frontend;
using Chat.Shared.Http;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddChatAuthentication();
builder.AddFrontend();

var app = builder.Build();
app.UseServiceDefaults();
app.MapFrontend();
app.RunOrExplain();
