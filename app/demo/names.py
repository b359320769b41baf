"""Word lists for synthetic demo data: UK-style names, streets and towns (all fictional)."""

FORENAMES = [
    "Oliver", "George", "Harry", "Jack", "Jacob", "Noah", "Charlie", "Muhammad", "Thomas", "Oscar", "William", "James",
    "Leo", "Alfie", "Henry", "Joshua", "Freddie", "Archie", "Ethan", "Isaac", "Alexander", "Joseph", "Edward", "Samuel",
    "Max", "Daniel", "Arthur", "Lucas", "Mohammed", "Logan", "Theo", "Olivia", "Amelia", "Isla", "Ava", "Emily",
    "Isabella", "Mia", "Poppy", "Ella", "Lily", "Evie", "Grace", "Sophia", "Sophie", "Ruby", "Jessica", "Chloe",
    "Daisy", "Freya", "Alice", "Florence", "Phoebe", "Scarlett", "Matilda", "Sienna", "Ivy", "Evelyn", "Margaret",
    "Susan", "Patricia", "Linda", "Barbara", "Elizabeth", "Jennifer", "Maria", "Sarah", "Karen", "Nancy", "Lisa",
    "Helen", "Sandra", "Donna", "Carol", "Ruth", "Sharon", "Michelle", "Laura", "Kimberly", "Deborah", "Rachel",
    "Carolyn", "Janet", "Catherine", "Heather", "Diane", "Julie", "Joyce", "Victoria", "Kelly", "Christine", "Joan",
    "Evelyn", "Lauren", "Judith", "Megan", "Cheryl", "Andrea", "Hannah", "Martha", "Jacqueline", "Gloria", "Teresa",
    "Ann", "Sara", "Madison", "Kathryn", "Janice", "Jean", "Abigail", "Julia", "Judy", "Sophia", "Grace", "Denise",
    "Amber", "Doris", "Marilyn", "Danielle", "Beverly", "Isabel", "Theresa", "Diana", "Natalie", "Brittany",
    "Charlotte", "Marie", "Kayla", "Alexis", "Lori", "David", "Richard", "Paul", "Mark", "Andrew", "Kevin", "Brian",
    "Ronald", "Anthony", "Kenneth", "Steven", "Timothy", "Jason", "Jeffrey", "Ryan", "Gary", "Nicholas", "Eric",
    "Stephen", "Jonathan", "Larry", "Justin", "Scott", "Brandon", "Frank", "Benjamin", "Gregory", "Raymond", "Patrick",
    "Dennis", "Jerry", "Tyler", "Aaron", "Jose", "Adam", "Nathan", "Henry", "Douglas", "Zachary", "Peter", "Kyle",
    "Walter", "Harold", "Jeremy", "Ethan", "Carl", "Keith", "Roger", "Gerald", "Christian", "Terry", "Sean", "Austin",
    "Arthur", "Lawrence", "Jesse", "Dylan", "Bryan", "Joe", "Jordan", "Billy", "Bruce", "Albert", "Willie", "Gabriel",
    "Logan", "Alan", "Juan", "Wayne", "Roy", "Ralph", "Randy", "Eugene", "Vincent", "Russell", "Elijah", "Louis",
    "Bobby", "Philip", "Johnny", "Kwame", "Aisha", "Priya", "Rajesh", "Anil", "Sunita", "Mei", "Wei", "Chen", "Fatima",
    "Amir", "Yusuf", "Zainab", "Olumide", "Chidi", "Ngozi", "Kofi", "Abena", "Tomasz", "Agnieszka", "Piotr",
    "Katarzyna", "Andrzej", "Siobhan", "Ciaran", "Niamh", "Aoife", "Declan", "Rhys", "Gareth", "Dafydd", "Cerys",
    "Eilidh", "Callum", "Fraser", "Hamish",
]

SURNAMES = [
    "Smith", "Jones", "Williams", "Taylor", "Brown", "Davies", "Evans", "Wilson", "Thomas", "Johnson", "Roberts",
    "Robinson", "Thompson", "Wright", "Walker", "White", "Edwards", "Hughes", "Green", "Hall", "Lewis", "Harris",
    "Clarke", "Patel", "Jackson", "Wood", "Turner", "Martin", "Cooper", "Hill", "Ward", "Morris", "Moore", "Clark",
    "Lee", "King", "Baker", "Harrison", "Morgan", "Allen", "James", "Scott", "Phillips", "Watson", "Davis", "Parker",
    "Price", "Bennett", "Young", "Griffiths", "Mitchell", "Kelly", "Cook", "Carter", "Richardson", "Bailey", "Collins",
    "Bell", "Shaw", "Murphy", "Miller", "Cox", "Richards", "Khan", "Marshall", "Anderson", "Simpson", "Ellis", "Adams",
    "Singh", "Begum", "Wilkinson", "Foster", "Chapman", "Powell", "Webb", "Rogers", "Gray", "Mason", "Ali", "Hunt",
    "Hussain", "Campbell", "Matthews", "Owen", "Palmer", "Holmes", "Mills", "Barnes", "Knight", "Lloyd", "Butler",
    "Russell", "Barker", "Fisher", "Stevens", "Jenkins", "Murray", "Dixon", "Harvey", "Graham", "Pearson", "Ahmed",
    "Fletcher", "Walsh", "Kaur", "Gibson", "Howard", "Andrews", "Stewart", "Elliott", "Reynolds", "Saunders", "Payne",
    "Fox", "Ford", "Pearce", "Day", "Brooks", "West", "Lawrence", "Cole", "Atkinson", "Bradley", "Spencer", "Gill",
    "Dawson", "Ball", "Burton", "O'Brien", "Watts", "Rose", "Booth", "Perry", "Ryan", "Grant", "Wells", "Armstrong",
    "Francis", "Rees", "Hayes", "Hart", "Hudson", "Newman", "Barrett", "Webster", "Hunter", "Gregory", "Carr", "Lowe",
    "Page", "Marsh", "Riley", "Dunn", "Woods", "Parsons", "Berry", "Stone", "Reid", "Holland", "Hawkins", "Harding",
    "Porter", "Robertson", "Newton", "Oliver", "Reed", "Kennedy", "Williamson", "Bird", "Gardner", "Shah", "Dean",
    "Lane", "Cooke", "Bates", "Henderson", "Parry", "Burgess", "Bishop", "Walton", "Burns", "Nicholson", "Shepherd",
    "Ross", "Cross", "Long", "Freeman", "Warren", "Nicholls", "Hamilton", "Byrne", "Sutton", "McDonald", "Yates",
    "Hodgson", "Robson", "Curtis", "Hopkins", "O'Connor", "Harper", "Coleman", "Watkins", "Moss", "McCarthy",
    "Chambers", "O'Neill", "Griffin", "Sharp", "Hardy", "Wheeler", "Potter", "Osborne", "Johnston", "Gordon", "Doyle",
    "Wallace", "George", "Jordan", "Hutchinson", "Rahman", "Asante", "Nowak", "Kowalski", "Wiśniewski", "Okafor",
    "Adeyemi", "Mensah", "Nguyen", "Chowdhury", "Mahmood", "Iqbal", "Doherty", "Quinn", "Lynch", "Asghar", "Bhatt",
    "Desai", "Mistry", "Lam", "Wong", "Zhang", "Ferreira", "Santos", "Silva", "Rossi", "Müller", "Schmidt", "Novak",
    "Horvat",
]

STREET_NAMES = [
    "Station", "Church", "High", "Mill", "Victoria", "Park", "School", "Queens", "Kings", "Manor", "Green", "Chapel",
    "London", "Main", "New", "Grange", "Orchard", "Springfield", "Highfield", "Meadow", "Windsor", "York", "Albert",
    "Alexandra", "Mount", "Pleasant", "Cedar", "Beech", "Oak", "Elm", "Ash", "Willow", "Rowan", "Hazel", "Holly",
    "Heather", "Fern", "Moor", "Marsh", "Fen", "Quay", "Harbour", "Bridge", "Abbey", "Priory", "Castle", "Market",
    "Well", "Brook", "River", "Lake", "Hill", "Valley", "Wood", "Forest", "Field", "Farm", "Barn", "Stable", "Chestnut",
    "Sycamore", "Poplar", "Larch", "Pine", "Laburnum", "Lilac", "Primrose", "Bluebell", "Daisy", "Clover", "Thistle",
    "Nelson", "Wellington", "Churchill", "Gladstone", "Cromwell", "Tudor", "Stuart", "Hanover", "Regent", "Coronation",
    "Jubilee", "Festival", "Empire", "Princes", "Dukes", "Earls", "Lords", "Vicarage", "Rectory",
]
STREET_KINDS = (
    "Road", "Street", "Lane", "Avenue", "Close", "Drive", "Way", "Gardens", "Crescent", "Court", "Place", "Terrace",
    "Grove", "Drove",
)
HOUSE_NAMES = (
    "Rose Cottage", "The Old Rectory", "Ivy House", "The Barn", "Orchard House", "Mill House", "The Grange",
    "Holly Lodge", "Field View", "Meadow Cottage",
)
