"""Vocabularies for ``listing_titles.py``: categories, brands, product types and their
synonyms, attributes, sizes, audiences, uses and compatibility lists.

Product lines read ``Type: synonym; synonym | attribute; attribute``: the synonyms are the
near-duplicate product nouns sellers stack into stuffed titles ("Dog Bed Pet Bed Dog Sofa");
the optional attributes after ``|`` replace the category's attributes for that product.
Spec templates expand ``{a-b}`` to a random integer and ``{x,y,z}`` to a random choice.
"""

from __future__ import annotations

CATEGORIES: dict[str, dict[str, str]] = {
    "electronics": {
        "brands": "Sony; Samsung; LG; JBL; Bose; Anker; Soundcore; Philips; Panasonic; TCL; Vizio; Canon; "
                  "Nikon; GoPro; Logitech; Roku; Insignia; onn.; Skullcandy; Beats; Sennheiser; Audio-Technica; "
                  "Yamaha; Pioneer; Kodak; Jabra; Hisense; Fujifilm; Garmin; Amazfit; Victrola; Wyze; Ring; Blink",
        "products": """
            Wireless Earbuds: Bluetooth Earphones; In-Ear Headphones; Earbuds; Sports Headset; Ear Buds; Earphones | Noise Cancelling; Bluetooth 5.3; IPX7 Waterproof; Touch Control; True Wireless; Hi-Res Audio; Open-Ear
            Over-Ear Headphones: Wireless Headset; Bluetooth Headphones; Headphones; Earphones; Headset | Noise Cancelling; Foldable; Wireless; Hi-Res Audio; Over-Ear; Studio; Bass Boost
            Bluetooth Speaker: Portable Speaker; Wireless Speaker; Outdoor Speaker; Party Speaker; Stereo Speaker | Waterproof; Portable; 20W; Rugged; Floating; RGB Lights; Stereo Pairing
            Smart TV: LED TV; 4K UHD Television; Television; HDTV; Smart Television | 4K UHD; HDR10; LED; QLED; 60Hz; Roku; Google TV; Frameless
            Soundbar: Sound Bar; Home Theater Speaker; TV Speaker; Surround Sound System | 2.1 Channel; Dolby Atmos; Wireless Subwoofer; Bluetooth; 300W
            Digital Camera: Point and Shoot Camera; Vlogging Camera; Camcorder; Video Camera | 20MP; 4K; Compact; Optical Zoom; Flip Screen; Mirrorless
            Action Camera: Sports Camera; Helmet Camera; Waterproof Camera; Video Camera | 5.3K; Waterproof; Image Stabilization; 4K60; Wide Angle
            Mini Projector: Video Projector; Movie Projector; Home Theater Projector; Portable Projector | 1080P; Native 1080P; WiFi; Bluetooth; 9500 Lumens
            Streaming Stick: Streaming Media Player; TV Box; Media Player; Streaming Device | 4K; HDR; Voice Remote; Dolby Vision
            Record Player: Turntable; Vinyl Player; Phonograph; Vinyl Record Player | 3-Speed; Bluetooth; Belt-Drive; Built-in Speakers; Vintage Suitcase
            Security Camera: WiFi Camera; Surveillance Camera; Home Camera; IP Camera; Cam | 2K; Night Vision; Two-Way Audio; Motion Detection; Indoor; Outdoor; Wire-Free
            Smartwatch: Fitness Tracker; Smart Watch; Activity Tracker; Sports Watch; Fitness Watch | Heart Rate; GPS; AMOLED; Sleep Tracking; 1.78 Inch; Waterproof
            Dash Cam: Car Camera; Driving Recorder; DVR; Dashboard Camera; Car Recorder | 4K; Front and Rear; Night Vision; Loop Recording; G-Sensor
            Wireless Controller: Gamepad; Game Controller; Joystick; Controller | Rechargeable; Dual Vibration; Turbo; Bluetooth; Wired
            Gaming Headset: Gaming Headphones; Headset; Headphones; Mic Headset | Surround Sound; RGB; Noise Cancelling Mic; Wired; 7.1
            Portable Radio: AM FM Radio; Emergency Radio; Weather Radio; Radio | Hand Crank; Solar; NOAA; Battery Operated
        """,
        "attrs": "Wireless; Bluetooth; Portable; Rechargeable; Smart; Compact; Lightweight; Long Battery Life; Stereo",
        "specs": "{24,32,43,50,55,65,75,85}-Inch; {10,20,30,40,50}W; {20,30,40,60} Hours Playtime; {12,20,24,48}MP; "
                 "{2,3,4}-Pack; 2024 Model; Renewed",
        "features": "with Charging Case; with Microphone; with Remote; with Alexa Built-in; with Carrying Case; "
                    "with Mic; with App Control; with Mount Kit; with 64GB Card",
        "crowd": "Men; Women; Kids; Adults; Teens; Boys; Girls; Seniors",
        "uses": "Home; Office; Travel; Gym; Running; Workout; Outdoor; Party; Car; Gaming; Sports; Camping; Beach; "
                "Shower; Bedroom; Classroom",
        "colors": "1",
        "models": "1",
    },
    "phone_accessories": {
        "brands": "OtterBox; Spigen; Anker; Belkin; mophie; ZAGG; Case-Mate; ESR; UGREEN; Baseus; AUKEY; "
                  "Apple; Samsung; PopSockets; Speck; Casetify; iOttie; Nomad",
        "products": """
            Phone Case: Protective Cover; Shockproof Case; Bumper Case; Back Cover; Phone Cover; Cover Case | Shockproof; Slim; Clear; MagSafe Compatible; Military Grade; Rugged; Silicone; Wallet
            Screen Protector: Tempered Glass Film; Glass Screen Guard; Protective Film; Screen Film; Glass Protector | Tempered Glass; 9H Hardness; Privacy; Anti-Glare; Case Friendly; Bubble Free
            USB-C Cable: Charging Cable; Charger Cord; Data Cable; Fast Charging Cord; Type C Cable | 6 ft; 10 ft; Braided; 60W; Fast Charging; USB-C to USB-C
            Wall Charger: Power Adapter; USB Charger; Charging Block; Fast Charger; Charger Plug | 20W; 65W; GaN; Dual Port; USB-C; PD
            Power Bank: Portable Charger; Battery Pack; External Battery; Phone Charger | 10000mAh; 20000mAh; Slim; USB-C; Magnetic; LED Display
            Car Phone Mount: Phone Holder; Dashboard Mount; Car Holder; Vent Clip; Cradle | Magnetic; Air Vent; Dashboard; Suction Cup; 360 Rotation
            Wireless Charger: Charging Pad; Charging Stand; Qi Charger; Charging Station | 15W; 3 in 1; Fast; Foldable; Qi-Certified
            Watch Band: Replacement Strap; Sport Band; Wristband; Bracelet; Watch Strap | Silicone; Stainless Steel; Nylon; Leather; Magnetic; 41mm; 45mm
            Phone Grip: Phone Stand; Ring Holder; Kickstand; Finger Grip | Collapsible; 360 Degree; Magnetic; Swappable
            Tablet Case: iPad Case; Tablet Cover; Folio Case; Smart Cover; Keyboard Case | Trifold; Auto Sleep/Wake; Pencil Holder; Rugged; Leather
        """,
        "attrs": "Slim; Durable; Lightweight; Compact",
        "specs": "{1,2,3}-Pack; {3,6,10} ft; Black; Clear",
        "features": "with Kickstand; with Card Holder; with Screen Protector; with Lanyard; with Cable",
        "crowd": "Men; Women; Girls; Boys; Kids; Teens",
        "uses": "Car; Office; Travel; Home; Desk; Bedroom; Gaming; Gym",
        "compat": "iPhone 15 Pro Max; iPhone 15 Pro; iPhone 15; iPhone 14 Plus; iPhone 14; iPhone 13 Mini; iPhone 13; "
                  "iPhone 12; iPhone 11; iPhone SE 2022; Samsung Galaxy S24 Ultra; Galaxy S23; Galaxy S23+; "
                  "Galaxy A54; Galaxy A15; Galaxy Note 20; Google Pixel 8 Pro; Pixel 8; Pixel 7a; Moto G Power 2024; "
                  "OnePlus 12; Apple Watch Series 9; Galaxy Watch 6; Fitbit Versa 4; iPad Air 5; iPad 10th Generation; "
                  "iPad Pro 11; Galaxy Tab A9; Kindle Paperwhite",
        "colors": "1",
    },
    "computers": {
        "brands": "HP; Dell; Lenovo; ASUS; Acer; Apple; Microsoft; Logitech; Razer; Corsair; SanDisk; Samsung; "
                  "Western Digital; Seagate; Kingston; Crucial; TP-Link; NETGEAR; Epson; Brother; Canon; MSI; "
                  "HyperX; Redragon; Targus; Amazon Basics; Gateway",
        "products": """
            Laptop: Notebook Computer; Notebook; Chromebook; Computer; PC | 15.6" FHD; 14" HD; Intel Core i5; AMD Ryzen 7; 16GB RAM; 512GB SSD; Windows 11 Home; Touchscreen; Backlit Keyboard
            Desktop Computer: Tower PC; All-in-One PC; Desktop PC; Computer | Intel Core i7; 32GB RAM; 1TB SSD; RTX 4060; Windows 11 Pro; WiFi 6
            Wireless Mouse: Computer Mouse; Optical Mouse; Gaming Mouse; Mice; Mouse | Ergonomic; Silent Click; 2.4GHz; Rechargeable; 16000 DPI; RGB
            Mechanical Keyboard: Gaming Keyboard; Wireless Keyboard; Computer Keyboard; Keypad; Keyboard | RGB Backlit; 60%; Hot-Swappable; Blue Switches; Full Size; Low Profile
            Computer Monitor: Gaming Monitor; LCD Display; Screen; Display; Monitor | 27-Inch; 24-Inch; 144Hz; 1440p; IPS; Curved; FHD; HDMI
            External Hard Drive: Portable HDD; Hard Disk; External Drive; Storage Drive | 2TB; 4TB; USB 3.0; Portable; Rugged
            USB Flash Drive: Thumb Drive; Memory Stick; Pen Drive; USB Stick; Jump Drive | 64GB; 128GB; USB 3.1; Metal; Swivel
            microSD Card: Memory Card; TF Card; SD Card; Storage Card | 128GB; 256GB; U3; A2; V30; with Adapter
            WiFi Router: Wireless Router; Mesh Router; Internet Router; Modem Router; WiFi Extender | WiFi 6; Dual Band; AX3000; Tri-Band; Gigabit
            All-in-One Printer: Inkjet Printer; Color Printer; Wireless Printer; Photo Printer; Copier | Wireless; Color; Duplex; Mobile Printing; Laser
            Laptop Backpack: Computer Bag; Laptop Bag; Travel Backpack; Business Backpack | 15.6 Inch; Water Resistant; Anti-Theft; USB Charging Port
            Webcam: USB Camera; Web Camera; Streaming Camera; PC Camera | 1080p; 4K; Autofocus; Privacy Cover; Dual Microphones
            Laptop Stand: Computer Stand; Notebook Riser; Laptop Riser; Desk Stand | Adjustable; Aluminum; Foldable; Ventilated
            Ink Cartridge: Ink Cartridges; Printer Ink; Toner; Refill | Black; Tri-Color; High Yield; Combo Pack
        """,
        "attrs": "Wireless; USB-C; Portable; Ergonomic; Slim",
        "specs": "{1,2,3,4}-Pack; {64,128,256,512}GB; {1,2,4,8}TB; Renewed; Silver; Black",
        "features": "with Numeric Keypad; with USB Receiver; with Stand; with Adapter; with Wrist Rest",
        "crowd": "Students; Gamers; Kids; Adults; Teachers; Professionals; Programmers",
        "uses": "Home; Office; School; Business; Gaming; Travel; College; Work; Study; Streaming",
        "compat": "MacBook Air; MacBook Pro; iMac; Windows PC; Chromebook; Surface Pro; PS5; Xbox; Linux; iPad",
        "colors": "1",
        "models": "1",
    },
    "clothing": {
        "brands": "Hanes; Levi's; Nike; adidas; Under Armour; Champion; Gildan; Fruit of the Loom; Carhartt; "
                  "Columbia; The North Face; Calvin Klein; Tommy Hilfiger; Polo Ralph Lauren; Wrangler; Lee; "
                  "Old Navy; Time and Tru; George; Athletic Works; No Boundaries; Wonder Nation; Jockey; Bali; "
                  "Russell; Dickies; Lands' End; Amazon Essentials; Terra & Sky; Justice; Garanimals",
        "products": """
            T-Shirt: Tee; Shirt; Top; Tops; Blouse; Tee Shirt | Short Sleeve; Crew Neck; V-Neck; Graphic; Cotton; Relaxed Fit; Pocket; Tie-Dye
            Hoodie: Hooded Sweatshirt; Pullover; Sweatshirt; Sweater; Jacket | Fleece; Pullover; Zip Up; Heavyweight; Graphic; Oversized
            Jeans: Denim Pants; Jean; Pants; Trousers | Slim Fit; Straight Leg; High Rise; Bootcut; Stretch; Relaxed Fit; Skinny
            Dress: Maxi Dress; Sundress; Party Dress; Gown; Skirt | Floral; Short Sleeve; Long Sleeve; V-Neck; Wrap; Midi; Ruffle; Smocked
            Leggings: Yoga Pants; Tights; Workout Pants; Jeggings | High Waisted; Tummy Control; Full Length; Capri; Fleece Lined
            Jacket: Coat; Outerwear; Windbreaker; Parka; Puffer | Water-Resistant; Insulated; Lightweight; Hooded; Quilted; Denim
            Pajama Set: Sleepwear; Pajamas; Nightwear; Loungewear; PJ Set | 2-Piece; Long Sleeve; Flannel; Satin; Button Down
            Swimsuit: Swimwear; Bathing Suit; Beachwear; One Piece; Bikini; Swim Suit | One Piece; Tummy Control; Ruched; Halter; Rash Guard
            Shorts: Athletic Shorts; Gym Shorts; Running Shorts; Short Pants | 7"; Cargo; Quick Dry; Mesh; Chino
            Cardigan: Sweater; Pullover; Knit Top; Jumper | Open Front; Button Down; Cable Knit; Lightweight; Chunky
            Polo Shirt: Golf Shirt; Polo; Shirt; Collared Shirt | Short Sleeve; Pique; Performance; Moisture Wicking
            Crew Socks: Socks; Ankle Socks; Athletic Socks; Sock | Cushioned; Moisture Wicking; 6-Pack; 12 Pairs; No Show
            Boxer Briefs: Underwear; Briefs; Boxers; Trunks | Cotton Stretch; 5-Pack; Tagless; Moisture Wicking
            Bra: Bralette; Sports Bra; Brassiere; Underwear | Wireless; Underwire; Full Coverage; Seamless; Push Up
            Baseball Cap: Hat; Dad Hat; Trucker Hat; Cap; Sun Hat | Adjustable; Embroidered; Mesh Back; Distressed; Snapback
            Winter Gloves: Touchscreen Gloves; Mittens; Warm Gloves; Ski Gloves | Thermal; Touchscreen; Waterproof; Fleece Lined
            Scarf: Shawl; Wrap; Neck Warmer; Pashmina | Plaid; Cashmere Feel; Oversized; Knit
            Scrub Top: Medical Scrubs; Nurse Uniform; Scrub Shirt; Workwear | V-Neck; Stretch; 4 Pockets
        """,
        "attrs": "Casual; Classic; Soft; Lightweight; Solid Color; Vintage; Loose; Slim Fit; Summer; Winter; "
                 "Fashion; Sexy; Printed; Love Print; Round Neck; Stretch; Ribbed; Cropped; Zipper; Sleeveless",
        "specs": "Size {S,M,L,XL,2XL,3XL}; {Small,Medium,Large,X-Large,XX-Large}; Size {4,6,8,10,12,14,16}; "
                 "{28,30,32,34,36,38}W x {30,32,34}L; up to Size {3XL,4XL,5XL,26/28}; {2,3,5,6}-Pack",
        "features": "with Pockets; with Hood; with Drawstring; with Side Pockets; with Belt",
        "audience": "Men's; Women's; Boys'; Girls'; Kids'; Toddler; Women's Plus Size; Men's Big & Tall; "
                    "Juniors'; Unisex Adult; Baby; Mens; Womens",
        "crowd": "Men; Women; Ladies; Girls; Boys; Kids; Teens; Juniors; Adults; Unisex; Youth; Toddler",
        "uses": "Casual; Daily; Work; Office; Party; Beach; Vacation; Holiday; Club; Sports; Yoga; Gym; Running; "
                "Travel; Summer; Winter; Spring; Fall; Outdoor; Hiking; Wedding; Lounge",
        "colors": "1",
        "pseudo": "0.45",
    },
    "shoes": {
        "brands": "Nike; adidas; Skechers; New Balance; ASICS; Crocs; Clarks; Dr. Scholl's; Timberland; Vans; "
                  "Converse; Reebok; Brooks; HOKA; Merrell; Sperry; Keds; Puma; Saucony; Birkenstock; UGG; "
                  "Athletic Works; Time and Tru; Avia",
        "products": """
            Running Shoes: Sneakers; Athletic Shoes; Tennis Shoes; Walking Shoes; Trainers; Jogging Shoes | Lightweight; Breathable; Cushioned; Mesh; Road; Trail
            Hiking Boots: Work Boots; Boots; Waterproof Boots; Trekking Shoes | Waterproof; Mid; Leather; Steel Toe; Insulated; Lace-Up
            Slide Sandals: Sandals; Slides; Flip Flops; Slippers; Beach Shoes | Cushioned; Open Toe; Adjustable Strap; Comfort; Platform
            Slippers: House Shoes; Bedroom Slippers; Indoor Shoes; Moccasins | Memory Foam; Fuzzy; Faux Fur Lined; Non-Slip; Slip-On
            Loafers: Dress Shoes; Slip-On Shoes; Oxford Shoes; Boat Shoes | Leather; Penny; Casual; Suede; Driving
            Ankle Boots: Booties; Chelsea Boots; Boots; Short Boots | Block Heel; Side Zip; Faux Suede; Pointed Toe
            Water Shoes: Aqua Socks; Swim Shoes; Beach Shoes; Barefoot Shoes | Quick Dry; Non-Slip; Lightweight
            Canvas Sneakers: Sneakers; Casual Shoes; Low Top Shoes; Skate Shoes | Low Top; High Top; Canvas; Classic; Lace-Up
            Clogs: Garden Shoes; Slip-On Clogs; Sandals; Mules | Lightweight; Classic; Lined; Unisex
        """,
        "attrs": "Lightweight; Breathable; Non Slip; Memory Foam; Comfort; Wide Width; Arch Support; Leather",
        "specs": "Size {5,6,7,8,9,10,11,12,13}; Size {7.5,8.5,9.5,10.5} M US; Size {8,9,10,11} Wide; "
                 "Little Kid Size {11,12,13,1,2}",
        "features": "with Arch Support; with Memory Foam Insole; with Removable Insole",
        "audience": "Men's; Women's; Boys'; Girls'; Kids'; Toddler; Unisex; Womens; Mens",
        "crowd": "Men; Women; Ladies; Girls; Boys; Kids; Teens; Adults; Unisex; Nurses; Seniors",
        "uses": "Walking; Running; Gym; Tennis; Work; Hiking; Travel; Casual; Outdoor; Indoor; Beach; Jogging; "
                "Training; Driving; Nursing",
        "colors": "1",
        "pseudo": "0.4",
    },
    "bags": {
        "brands": "JanSport; Samsonite; Herschel; Michael Kors; Coach; Kate Spade; Fossil; Vera Bradley; "
                  "Amazon Basics; SwissGear; Osprey; Kipling; Travelpro; American Tourister; Nautica; Protege",
        "products": """
            Backpack: School Bag; Bookbag; Daypack; Rucksack; Travel Bag | Water Resistant; Lightweight; Large Capacity; Classic; Mini
            Tote Bag: Shoulder Bag; Handbag; Purse; Shopping Bag; Satchel | Canvas; Leather; Large; Zipper; Reusable
            Crossbody Bag: Purse; Shoulder Bag; Messenger Bag; Sling Bag | Small; Vegan Leather; Adjustable Strap; Quilted
            Carry-On Luggage: Suitcase; Spinner Luggage; Rolling Luggage; Travel Bag | 21-Inch; Hardside; Expandable; Spinner Wheels; TSA Lock
            Wallet: Card Holder; Purse; Clutch; Money Clip; Billfold | RFID Blocking; Leather; Slim; Bifold; Trifold
            Duffel Bag: Gym Bag; Weekender Bag; Travel Duffle; Sports Bag | 40L; Waterproof; Foldable; Shoe Compartment
            Lunch Bag: Lunch Box; Cooler Bag; Lunch Tote; Insulated Bag | Insulated; Leakproof; Reusable
        """,
        "attrs": "Leather; Nylon; Canvas; Lightweight; Water Resistant; Classic; Vintage",
        "specs": "{18,20,21,24,28}-Inch; {20,30,40,50}L; Set of {2,3}; Small; Large",
        "features": "with Laptop Compartment; with USB Charging Port; with Shoulder Strap; with Zipper Pockets",
        "audience": "Men's; Women's; Kids'; Unisex; Girls'; Boys'",
        "crowd": "Men; Women; Girls; Boys; Kids; Teens; Students; College; Adults",
        "uses": "Travel; School; Work; Office; Business; Gym; Hiking; Camping; Weekend; Shopping; Beach; College; "
                "Daily; Outdoor; Airplane",
        "colors": "1",
        "pseudo": "0.4",
    },
    "jewelry": {
        "brands": "Pandora; Swarovski; Fossil; Timex; Casio; Citizen; Brilliance Fine Jewelry; "
                  "Believe by Brilliance; Kay; Kendra Scott; Alex and Ani; Anne Klein; Armitron; Bulova; "
                  "Amazon Essentials; Kezef",
        "products": """
            Pendant Necklace: Necklace; Pendant; Chain; Choker | 925 Sterling Silver; 14K Gold Plated; Cubic Zirconia; Heart; Birthstone; Initial
            Stud Earrings: Earrings; Ear Studs; Studs; Ear Rings; Hoop Earrings | 925 Sterling Silver; Cubic Zirconia; Pearl; Hypoallergenic; 14K Gold; Screw Back
            Charm Bracelet: Bracelet; Bangle; Cuff; Wristband | Adjustable; Sterling Silver; Beaded; Tennis; Stackable
            Engagement Ring: Wedding Band; Ring; Promise Ring; Eternity Ring; Band | 1/2 Carat; Solitaire; 10K White Gold; Lab-Grown Diamond; Halo
            Anklet: Ankle Bracelet; Foot Chain; Bracelet | Layered; Gold Plated; Beaded; Adjustable
            Analog Watch: Wrist Watch; Quartz Watch; Dress Watch; Watch | Stainless Steel; Leather Strap; Water Resistant; Chronograph; 40mm
            Hoop Earrings: Earrings; Huggie Earrings; Hoops; Ear Rings | 14K Gold Plated; Small; Chunky; Lightweight
            Cufflinks: Cuff Links; Shirt Studs; Tie Clip | Silver Tone; Engraved; Classic
        """,
        "attrs": "Dainty; Minimalist; Rose Gold; Silver; Gold; Hypoallergenic; Vintage",
        "specs": "{16,18,20}-Inch; Size {5,6,7,8,9}; {0.25,0.5,1} Carat; {8,10,12}mm; Set of {3,6}",
        "features": "with Gift Box; with Adjustable Chain; with Extender",
        "audience": "Women's; Men's; Girls'; Teen; Unisex",
        "crowd": "Women; Men; Girls; Teens; Wife; Mom; Girlfriend; Daughter; Sister; Grandma; Her; Him",
        "uses": "Birthday; Anniversary; Christmas; Valentine's Day; Mother's Day; Wedding; Graduation; "
                "Party; Daily Wear; Prom",
        "colors": "0",
        "pseudo": "0.5",
    },
    "home_decor": {
        "brands": "Mainstays; Better Homes & Gardens; Threshold; Umbra; Yankee Candle; Nicole Miller; Safavieh; "
                  "nuLOOM; Gorilla Grip; Eclipse; Deconovo; Pottery Barn; My Texas House; Gap Home; "
                  "Beautiful by Drew Barrymore; Sullivans; Stupell Industries; Americanflat",
        "products": """
            Throw Pillow Cover: Cushion Cover; Pillowcase; Pillow Case; Decorative Pillow; Sofa Cushion | Velvet; Linen; Boho; Farmhouse; Set of 2; 18 x 18 Inch
            Area Rug: Carpet; Floor Mat; Rug; Runner Rug; Living Room Rug | 5' x 7'; 8' x 10'; Washable; Shag; Moroccan; Distressed; Non-Shedding
            Blackout Curtains: Window Curtains; Drapes; Curtain Panels; Window Treatment; Valance | Thermal Insulated; Room Darkening; Grommet; 52 x 84 Inch; 2 Panels
            Wall Clock: Clock; Silent Clock; Decorative Clock | 12 Inch; Silent Non-Ticking; Battery Operated; Farmhouse; Modern
            Picture Frame: Photo Frame; Frame; Display Frame | 8x10; 5x7; Set of 3; Wood; Matted
            Canvas Wall Art: Wall Decor; Painting; Poster; Print; Artwork; Picture | Framed; Abstract; Botanical; 16 x 24 Inch; 3 Panel
            Artificial Plant: Fake Plant; Faux Plant; Silk Flowers; Greenery; Fake Flowers | Potted; 24 Inch; Eucalyptus; Fiddle Leaf Fig; Realistic
            Scented Candle: Candle; Jar Candle; Aromatherapy Candle; Soy Candle | Large Jar; 3-Wick; Lavender; Vanilla; 14.5 oz
            Table Lamp: Desk Lamp; Bedside Lamp; Night Light; Reading Light; Light | Ceramic; USB Port; Dimmable; Linen Shade; Set of 2
            Wall Mirror: Mirror; Vanity Mirror; Decorative Mirror; Bathroom Mirror | Round; 24 Inch; Arched; Metal Frame; Full Length
            Floating Shelves: Wall Shelf; Wall Shelves; Display Shelf; Storage Shelf; Ledge | Set of 3; Rustic Wood; 24 Inch; Black Metal Brackets
            Vase: Flower Vase; Ceramic Vase; Decorative Vase; Planter | Ceramic; Glass; White; Set of 3; Bud
            Doormat: Door Mat; Welcome Mat; Entrance Rug; Outdoor Mat | Non-Slip; Coir; 17 x 30 Inch; Funny; Heavy Duty
        """,
        "attrs": "Farmhouse; Boho; Modern; Rustic; Soft; Handmade; Geometric; Vintage; Minimalist; Mid-Century; Decorative",
        "specs": "Set of {2,3,4}; {12,16,18,20,24}-Inch; {2,4} Panels",
        "features": "with Hooks; with Hanging Kit; with Insert; with Tassels; with Timer",
        "crowd": "Kids; Adults; Men; Women; Girls; Boys; Teens",
        "uses": "Living Room; Bedroom; Kitchen; Bathroom; Office; Dorm; Nursery; Farmhouse; Home Decor; Wedding; "
                "Party; Apartment; Entryway; Patio; Christmas; Housewarming",
        "colors": "1",
        "pseudo": "0.35",
    },
    "bedding_bath": {
        "brands": "Mainstays; Better Homes & Gardens; Utopia Bedding; Amazon Basics; Bedsure; Sweet Home Collection; "
                  "Casper; Tempur-Pedic; Linenspa; Zinus; Serta; Beckham Hotel Collection; Charisma; "
                  "Chic Home; Great Bay Home; Downlite",
        "products": """
            Sheet Set: Bed Sheets; Fitted Sheet; Bedding Set; Sheets | Queen; King; Twin; Deep Pocket; 1800 Thread Count; Microfiber; 100% Cotton; Bamboo
            Comforter Set: Duvet; Quilt; Bedspread; Comforter; Bedding Set | Queen; King; 7-Piece; Reversible; Down Alternative; All Season
            Bath Towels: Towel Set; Towels; Bath Sheet; Hand Towels; Washcloths | 6-Piece; 100% Cotton; Quick Dry; Absorbent; Hotel Quality
            Shower Curtain: Bath Curtain; Shower Liner; Curtain | Waterproof; Fabric; 72 x 72 Inch; with 12 Hooks; Farmhouse
            Bath Mat: Bathroom Rug; Shower Mat; Bath Rug; Floor Mat | Memory Foam; Non-Slip; Absorbent; Chenille; 17 x 24 Inch
            Bed Pillows: Pillow; Sleeping Pillow; Memory Foam Pillow; Pillows | Queen Size; Set of 2; Cooling; Gel Fiber; Shredded Memory Foam
            Weighted Blanket: Throw Blanket; Blanket; Fleece Throw; Sherpa Blanket | 15 lbs; 60 x 80 Inch; Cooling; Glass Beads
            Mattress Topper: Mattress Pad; Mattress Cover; Bed Topper | 3 Inch; Gel Memory Foam; Queen; Cooling
            Mattress: Bed; Foam Mattress; Hybrid Mattress; Spring Mattress | 10 Inch; 12 Inch; Memory Foam; Hybrid; Medium Firm; Queen
        """,
        "attrs": "Soft; Hypoallergenic; Cooling; Luxury; Machine Washable; Breathable",
        "specs": "{Twin,Full,Queen,King,California King}; Set of {2,4}; {60 x 80,50 x 60} Inch",
        "features": "with Pillowcases; with Hooks; with Zipper Closure; with Corner Ties",
        "crowd": "Adults; Kids; Girls; Boys; Teens; Women; Men",
        "uses": "Bedroom; Bathroom; Guest Room; Hotel; Dorm; Spa; Gym; Beach; Camping; Travel; RV; College; Home",
        "colors": "1",
        "pseudo": "0.4",
    },
    "furniture": {
        "brands": "Mainstays; Ashley; Sauder; Zinus; Flash Furniture; Ameriwood Home; Hillsdale; Walker Edison; "
                  "South Shore; VASAGLE; Costway; Novogratz; DHP; Christopher Knight Home; Signature Design; "
                  "Better Homes & Gardens; HON",
        "products": """
            Office Chair: Desk Chair; Computer Chair; Gaming Chair; Task Chair; Swivel Chair | Ergonomic; Mesh; High Back; Adjustable Arms; Lumbar Support; Leather
            Bookcase: Bookshelf; Shelf; Storage Shelves; Display Rack | 5-Shelf; 3-Tier; Industrial; Wood; Ladder
            TV Stand: Entertainment Center; Media Console; TV Cabinet; Console Table | for TVs up to 65"; Farmhouse; Storage Cabinets; Sliding Barn Door
            Coffee Table: Cocktail Table; Side Table; End Table; Table | Lift Top; Round; Glass Top; Rustic
            Bar Stools: Counter Stools; Stool; Barstool; Chairs | Set of 2; 24 Inch; Swivel; Backless; Adjustable
            Bed Frame: Platform Bed; Bed; Metal Bed Frame; Headboard | Queen; Full; Upholstered; No Box Spring Needed; Storage
            Sofa: Couch; Loveseat; Sectional; Futon; Sleeper | 3-Seater; Convertible; Velvet; Mid-Century Modern; Tufted
            Dresser: Chest of Drawers; Storage Cabinet; Drawer Organizer; Nightstand | 6-Drawer; 4-Drawer; Wood; Tall
            Shoe Rack: Shoe Organizer; Shoe Shelf; Storage Rack; Shoe Storage | 4-Tier; 10-Tier; Stackable; Metal
            Computer Desk: Writing Desk; Office Desk; Study Table; Gaming Desk; Table | 47 Inch; L-Shaped; Standing; with Drawers
            Folding Table: Table; Utility Table; Camping Table; Card Table | 6 ft; Plastic; Portable; Indoor Outdoor
        """,
        "attrs": "Wood; Metal; Industrial; Rustic Brown; Espresso; Walnut; Black; White; Modern; Storage",
        "specs": "{24,30,42,47,55,60}-Inch; Set of {2,4}; {3,4,5,6}-Tier",
        "features": "with Storage; with Drawers; with Wheels; with Cushion; with Charging Station",
        "crowd": "Adults; Kids; Teens; Gamers; Students",
        "uses": "Living Room; Bedroom; Office; Home Office; Kitchen; Dining Room; Entryway; Dorm; Apartment; "
                "Small Spaces; Study; Gaming Room; Garage",
        "colors": "1",
        "pseudo": "0.45",
    },
    "kitchen": {
        "brands": "KitchenAid; Cuisinart; Ninja; Instant Pot; Hamilton Beach; T-fal; Calphalon; Pyrex; Rubbermaid; "
                  "OXO; Keurig; Mr. Coffee; Lodge; Zojirushi; Contigo; Stanley; Hydro Flask; Corelle; Farberware; "
                  "Tupperware; Chefman; Dash; bella; Mainstays; Gotham Steel; Owala; Henckels; Caraway; Brita",
        "products": """
            Frying Pan: Skillet; Fry Pan; Saute Pan; Cookware; Pan | Nonstick; Cast Iron; Stainless Steel; 10-Inch; 12-Inch; Induction Compatible; Oven Safe
            Cookware Set: Pots and Pans Set; Cookware; Pan Set; Pot Set | 10-Piece; Nonstick; Ceramic; Stainless Steel; Dishwasher Safe
            Air Fryer: Oilless Fryer; Air Cooker; Fryer; Convection Oven | 5.8 Qt; 4 Quart; Digital; 8-in-1; Dual Basket; 1700W
            Coffee Maker: Coffee Machine; Drip Coffee Maker; Brewer; Espresso Machine; Coffee Brewer | 12-Cup; Programmable; Single Serve; Glass Carafe; Thermal
            Blender: Smoothie Maker; Juicer; Mixer; Food Processor; Smoothie Blender | 1200W; Professional; Personal; 72 oz Pitcher; Countertop
            Electric Kettle: Tea Kettle; Water Boiler; Kettle; Hot Water Kettle | 1.7 Liter; Glass; Stainless Steel; Auto Shut-Off; Temperature Control
            Chef Knife: Kitchen Knife; Cooking Knife; Knife; Cutting Knife | 8 Inch; German Steel; High Carbon; Full Tang
            Knife Set: Knife Block Set; Kitchen Knives; Cutlery Set; Knives | 15-Piece; Block; Self-Sharpening; Stainless Steel
            Cutting Board: Chopping Board; Chopping Block; Butcher Block; Board | Bamboo; Plastic; Set of 3; Juice Groove; Reversible
            Food Storage Containers: Meal Prep Containers; Containers; Lunch Box; Storage Box; Bento Box | Glass; 24-Piece; Airtight; Leakproof; BPA-Free; with Lids
            Water Bottle: Insulated Bottle; Sports Bottle; Tumbler; Flask; Drinking Bottle | 32 oz; 40 oz; Stainless Steel; Vacuum Insulated; Straw Lid; Leak-Proof
            Travel Mug: Coffee Mug; Tumbler; Cup; Thermos; Coffee Cup | 20 oz; 16 oz; Spill-Proof; Insulated; Stainless Steel
            Dinnerware Set: Plates and Bowls Set; Dish Set; Plates; Dishes | 12-Piece; 16-Piece; Stoneware; Service for 4; Chip Resistant
            Baking Sheet: Cookie Sheet; Sheet Pan; Baking Pan; Baking Tray | Aluminum; Half Sheet; Set of 2; Nonstick
            Stand Mixer: Kitchen Mixer; Mixer; Electric Mixer; Dough Mixer | 5 Quart; Tilt-Head; 10-Speed; 325W
            Spice Rack: Spice Organizer; Seasoning Rack; Spice Holder | 3-Tier; Rotating; Wall Mount; 20 Jars
            Kitchen Apron: Apron; Cooking Apron; Bib Apron; Chef Apron | Adjustable; Waterproof; 2 Pockets; Cotton
            Slow Cooker: Crock Pot; Cooker; Pressure Cooker; Multi-Cooker | 6 Quart; Programmable; Oval; Manual
            Toaster: Bread Toaster; Toaster Oven; Pop-Up Toaster | 2-Slice; 4-Slice; Wide Slot; Bagel Setting
        """,
        "attrs": "Stainless Steel; Nonstick; BPA-Free; Dishwasher Safe; Heavy Duty; Glass; Silicone; Digital",
        "specs": "{8,10,12}-Inch; {12,16,20,24,32,40} oz; {4,5,6,8} Quart; Set of {2,3,4,6}; {10,12,15,20}-Piece",
        "features": "with Lid; with Lids; with Glass Carafe; with Recipe Book; with Handle; with Straw",
        "crowd": "Men; Women; Kids; Adults; Mom; Dad; Chefs; Beginners; Students",
        "uses": "Home; Kitchen; Restaurant; Camping; Office; Dorm; Travel; School; Picnic; Cooking; Baking; "
                "Grilling; BBQ; RV; Gym; Outdoor",
        "colors": "1",
        "pseudo": "0.3",
    },
    "beauty": {
        "brands": "CeraVe; Neutrogena; L'Oreal Paris; Maybelline New York; Revlon; Olay; NYX Professional Makeup; "
                  "e.l.f.; Garnier; Dove; Pantene; Remington; Conair; Burt's Bees; Aveeno; The Ordinary; "
                  "Cetaphil; COVERGIRL; Clinique; Estee Lauder; Paula's Choice; La Roche-Posay; Hot Tools; "
                  "Sally Hansen; OPI; Banana Boat; Coppertone; Olaplex",
        "products": """
            Face Moisturizer: Face Cream; Facial Moisturizer; Day Cream; Lotion; Face Lotion | Hydrating; Fragrance-Free; Oil-Free; SPF 30; Hyaluronic Acid; for Dry Skin
            Vitamin C Serum: Face Serum; Facial Serum; Serum; Skin Care Essence | Brightening; 20%; Hyaluronic Acid; Anti-Aging
            Lipstick: Lip Color; Lip Stick; Lip Tint; Lip Gloss | Matte; Long Lasting; Satin; Liquid; Moisturizing; Shade 220
            Mascara: Lash Mascara; Eye Makeup; Lash Primer | Waterproof; Volumizing; Lengthening; Very Black
            Eyeshadow Palette: Eye Shadow; Makeup Palette; Shadow Palette; Eyeshadow | 12 Shades; Neutral; Matte and Shimmer; Highly Pigmented
            Makeup Brush Set: Makeup Brushes; Brush Kit; Cosmetic Brushes; Foundation Brush | 14 Pcs; Synthetic; Vegan; with Case
            Shampoo: Hair Shampoo; Hair Wash; Cleansing Shampoo; Shampoo and Conditioner | Sulfate Free; Moisturizing; Volumizing; Anti-Dandruff; 12.6 fl oz
            Hair Dryer: Blow Dryer; Hair Blower; Dryer; Ionic Dryer | 1875W; Ionic; Ceramic; Travel; with Diffuser
            Flat Iron: Hair Straightener; Straightening Iron; Ceramic Iron; Curling Iron | 1 Inch; Titanium; Ceramic; Dual Voltage
            Eau de Parfum: Perfume; Fragrance; Body Spray; Cologne; Scent | 3.4 oz; 1.7 fl oz; Floral; Woody; Spray
            Nail Polish: Nail Lacquer; Gel Polish; Nail Color; Nail Varnish | Quick Dry; Gel Finish; 0.5 fl oz; Long Wear
            Sunscreen Lotion: Sunblock; Sun Cream; SPF Lotion; Sun Protection | SPF 50; Broad Spectrum; Water Resistant; Reef Friendly
            Lace Front Wig: Human Hair Wig; Wig; Hair Piece; Hair Extensions; Synthetic Wig | Body Wave; 24 Inch; Pre-Plucked; Glueless; Straight
            Facial Cleanser: Face Wash; Cleanser; Foaming Wash; Gel Cleanser | Gentle; Hydrating; Foaming; 16 fl oz
        """,
        "attrs": "Vegan; Cruelty-Free; Long Lasting; Lightweight; Gentle; Non-Comedogenic; Travel Size",
        "specs": "{1,1.7,3.4,6.7,8,12,16} fl oz; {0.34,0.5,1} oz; Pack of {2,3}; Shade {100,110,220,310}",
        "features": "with Pump; with Brush; with Diffuser; with Travel Pouch",
        "audience": "Women's; Men's; Kids'",
        "crowd": "Women; Men; Girls; Teens; Ladies; Adults; Kids; Mom",
        "uses": "Face; Body; Hair; Skin; Lips; Eyes; Hands; Nails; Daily; Travel; Salon; Home; Party; Wedding",
        "colors": "0",
        "pseudo": "0.3",
    },
    "health": {
        "brands": "Oral-B; Philips Sonicare; Nature Made; Centrum; Vitafusion; Optimum Nutrition; Omron; Braun; "
                  "Gillette; Therabody; Equate; Vicks; Sunbeam; Garden of Life; Orgain; Premier Protein; "
                  "Nature's Bounty; Mueller; Physix Gear; Band-Aid; Dr. Scholl's; Wahl",
        "products": """
            Electric Toothbrush: Sonic Toothbrush; Toothbrush; Rechargeable Toothbrush | Rechargeable; 2 Brush Heads; Pressure Sensor; Travel Case
            Multivitamin Gummies: Vitamins; Dietary Supplement; Gummy Vitamins; Supplement | Adult; Kids; 90 Count; Sugar Free
            Protein Powder: Whey Protein; Protein Shake; Protein Supplement; Shake Mix | Chocolate; Vanilla; 2 lb; Plant-Based; 25g Protein
            Digital Thermometer: Thermometer; Forehead Thermometer; Ear Thermometer; Temperature Gun | Fast Reading; No-Touch; Fever Alarm; Infrared
            Blood Pressure Monitor: BP Monitor; Blood Pressure Cuff; BP Machine | Upper Arm; Wrist; Bluetooth; Large Cuff
            Electric Razor: Shaver; Razor; Beard Trimmer; Foil Shaver; Hair Clipper | Wet and Dry; Cordless; Rotary; Waterproof
            Massage Gun: Muscle Massager; Percussion Massager; Deep Tissue Massager; Massager | 20 Speeds; Quiet; Portable; 6 Heads
            First Aid Kit: Emergency Kit; Survival Kit; Medical Kit | 300 Piece; Compact; Waterproof Bag
            Heating Pad: Electric Heating Pad; Heat Wrap; Warming Pad | Extra Large; Moist Heat; Auto Shut-Off; 12 x 24 Inch
            Knee Brace: Knee Support; Compression Sleeve; Knee Sleeve | Compression; Adjustable; Patella Gel Pad; Breathable
            Fish Oil Softgels: Omega-3 Supplement; Fish Oil; Softgels; Omega Capsules | 1200mg; Burpless; 180 Count
            Reading Glasses: Readers; Eyeglasses; Glasses; Blue Light Glasses | +1.50; +2.00; Blue Light Blocking; 3-Pack
        """,
        "attrs": "Rechargeable; Sugar Free; Gluten Free; Non-GMO; Portable; Adjustable; Compact; Clinically Tested",
        "specs": "{60,90,120,180,300} Count; {1,2,5} lb; Size {S,M,L,XL}; {2,3}-Pack",
        "features": "with Travel Case; with Carrying Bag; with Charger; with 2 Brush Heads",
        "audience": "Adult; Men's; Women's; Kids'",
        "crowd": "Men; Women; Adults; Kids; Seniors; Elderly; Athletes; Teens",
        "uses": "Home; Travel; Gym; Office; Car; Camping; Back; Neck; Shoulder; Legs; Knee; Daily; Sports; Running",
        "colors": "0",
        "pseudo": "0.3",
    },
    "grocery": {
        "brands": "Folgers; Maxwell House; Starbucks; Lipton; Bigelow; Lay's; Pringles; Nature Valley; KIND; "
                  "Cheerios; Kellogg's; Quaker; Prego; Ragu; Barilla; Bertolli; Jif; Skippy; Planters; "
                  "Blue Diamond; Jack Link's; LaCroix; HARIBO; Lindt; Hershey's; Great Value; Sam's Choice; "
                  "Kirkland Signature; Nature's Nectar; Goya; Campbell's; Kraft; Annie's; Clif Bar; Bob's Red Mill",
        "products": """
            Ground Coffee: Coffee; Coffee Beans; Roast Coffee; Coffee Grounds | Medium Roast; Dark Roast; Breakfast Blend; Decaf; 100% Arabica
            K-Cup Pods: Coffee Pods; Single Serve Pods; Coffee Capsules | Medium Roast; Dark Roast; Variety Pack; French Vanilla
            Green Tea Bags: Tea; Tea Bags; Herbal Tea; Tea Leaves | Organic; Decaf; Caffeine Free; Honey Lemon; Mint
            Potato Chips: Chips; Snacks; Crisps; Snack Chips | Classic; Sea Salt; Barbecue; Sour Cream and Onion; Kettle Cooked
            Granola Bars: Snack Bars; Protein Bars; Cereal Bars; Bars | Oats 'n Honey; Chocolate Chip; Chewy; Crunchy; Gluten Free
            Breakfast Cereal: Cereal; Granola; Oatmeal; Breakfast Food | Whole Grain; Honey Nut; Family Size; Low Sugar
            Pasta Sauce: Marinara Sauce; Tomato Sauce; Spaghetti Sauce; Sauce | Traditional; Tomato Basil; Roasted Garlic; No Sugar Added
            Extra Virgin Olive Oil: Olive Oil; Cooking Oil; Oil | Cold Pressed; First Cold Press; Imported; Organic
            Creamy Peanut Butter: Peanut Butter; Nut Butter; Spread | Creamy; Crunchy; Natural; No Stir
            Mixed Nuts: Nuts; Cashews; Almonds; Trail Mix; Snack Nuts | Lightly Salted; Roasted; Unsalted; Deluxe
            Beef Jerky: Jerky; Meat Snack; Beef Sticks; Meat Sticks | Original; Teriyaki; Peppered; Sweet and Hot
            Sparkling Water: Seltzer Water; Soda Water; Flavored Water; Water | Lime; Pamplemousse; Unsweetened; Zero Calorie
            Gummy Candy: Candy; Gummies; Sweets; Gummy Bears; Chewy Candy | Sour; Fruit Flavored; Share Size; Fat Free
            Dark Chocolate Bar: Chocolate Bar; Chocolate; Cocoa Candy; Candy Bar | 70% Cacao; Sea Salt; Almond; Mint
            Raw Honey: Honey; Pure Honey; Natural Honey; Sweetener | Raw; Unfiltered; Clover; Manuka; Squeeze Bottle
            Macaroni and Cheese: Mac and Cheese; Pasta; Dinner; Shells and Cheese | Original; White Cheddar; Family Size
            Chicken Noodle Soup: Soup; Canned Soup; Condensed Soup | Condensed; Ready to Serve; Low Sodium; Homestyle
        """,
        "attrs": "Original; Organic; Gluten Free; Non-GMO; Kosher; Keto Friendly; Family Size; Variety Pack",
        "specs": "{8,10.5,12,16,24,32} oz; {12,18,24,36,48,100} Count; Pack of {4,6,8,12}; {1,2,5} lb Bag; "
                 "{12,24} x {12,16.9} fl oz",
        "features": "with Resealable Bag; in Glass Jar",
        "crowd": "Kids; Adults; Men; Women; Family; Toddlers; Teens",
        "uses": "Breakfast; Lunch; Snack; Office; School; Party; Travel; Gym; Keto Diet; Camping; Picnic; "
                "Lunchbox; Movie Night; Holiday",
        "colors": "0",
        "pseudo": "0.1",
    },
    "toys": {
        "brands": "LEGO; Mattel; Hasbro; Barbie; Hot Wheels; Fisher-Price; Melissa & Doug; Play-Doh; Nerf; "
                  "Crayola; Funko; Ravensburger; Magna-Tiles; Squishmallows; VTech; Little Tikes; Step2; "
                  "Paw Patrol; Spin Master; LeapFrog; Kid Connection; Adventure Force; Disney Princess; Pokemon",
        "products": """
            Building Set: Building Kit; Bricks; Construction Toy; Blocks; Building Blocks | 500 Pieces; Creative; Classic; City; Technic
            Plush Toy: Stuffed Animal; Plushie; Soft Toy; Teddy Bear; Doll | 12 Inch; Super Soft; Cuddly; Jumbo; Unicorn; Dinosaur
            Remote Control Car: RC Car; RC Truck; Toy Car; Monster Truck; Racing Car | 1:16 Scale; 2.4GHz; Off-Road; Rechargeable; All Terrain
            Jigsaw Puzzle: Puzzle; Puzzles; Brain Teaser; Puzzle Game | 1000 Piece; 500 Piece; Landscape; Wooden; Floor
            Fashion Doll: Doll; Dolls; Doll Playset; Dollhouse | 11.5 Inch; with Accessories; Dreamhouse; Career
            Action Figure: Figure; Toy Figure; Collectible Figure; Figurine | 6-Inch; Posable; Deluxe; Vinyl
            Board Game: Family Game; Party Game; Card Game; Strategy Game; Game | Classic; Family; 2-6 Players; Ages 8+
            Play Kitchen Set: Pretend Play Kitchen; Toy Kitchen; Kitchen Playset; Cooking Toys | Wooden; Lights and Sounds; 30-Piece
            Magnetic Tiles: Magnet Blocks; Building Tiles; STEM Toys; Magnetic Blocks | 100 Piece; Clear Colors; 3D
            Water Gun: Squirt Gun; Water Blaster; Water Pistol; Pool Toy | Super Soaker; Long Range; 2-Pack
            Art Kit: Drawing Set; Coloring Kit; Painting Set; Craft Kit; Art Supplies | 150-Piece; Portable Case; Washable
            Balance Bike: Kids Scooter; Ride-On Toy; Tricycle; Ride On Car; Bike | 12 Inch; No Pedal; Adjustable Seat
            Toy Train Set: Train Set; Railway Set; Electric Train; Train Toy | Battery Operated; Wooden; with Tracks
            Slime Kit: Slime; Putty; Fluffy Slime; Play Slime | DIY; Glitter; Scented; 24 Colors
        """,
        "attrs": "Educational; STEM; Wooden; Interactive; Soft; Collectible; Pretend Play; Classic; Light Up; Musical",
        "specs": "{100,250,500,750,1000}-Piece; {1:12,1:16,1:18} Scale; Ages {2,3,4,5,6,8}+; {6,12,18,24} Pack",
        "features": "with Lights and Sounds; with Storage Bag; with Accessories; with Remote",
        "audience": "Kids; Toddler; Baby; Boys; Girls; Preschool",
        "crowd": "Kids; Boys; Girls; Toddlers; Babies; Teens; Adults; Ages 3 4 5 6 7 8; 3 Year Old; 5 Year Old; "
                 "Children; Preschoolers",
        "uses": "Birthday; Christmas; Easter; Party Favors; Classroom; Travel; Car; Indoor; Outdoor; Bath; Pool; "
                "Backyard; Stocking Stuffers",
        "colors": "0",
        "pseudo": "0.35",
    },
    "baby": {
        "brands": "Graco; Pampers; Huggies; Chicco; Evenflo; Philips Avent; Dr. Brown's; Carter's; Gerber; "
                  "Munchkin; Aden + Anais; Baby Trend; Summer Infant; Infantino; Boppy; Parent's Choice; "
                  "WaterWipes; Halo; Fisher-Price; Safety 1st; Tommee Tippee",
        "products": """
            Baby Stroller: Stroller; Pram; Travel System; Pushchair; Jogging Stroller | Lightweight; Compact Fold; Reversible Seat; One-Hand Fold
            Convertible Car Seat: Car Seat; Infant Car Seat; Booster Seat; Baby Seat | 3-in-1; Rear-Facing; 5-Point Harness; Side Impact
            Baby Bottles: Feeding Bottles; Bottle; Anti-Colic Bottles; Nursing Bottle | 8 oz; 3 Pack; Anti-Colic; Wide Neck; BPA Free
            Diapers: Baby Diapers; Nappies; Disposable Diapers; Diaper; Pull-Ups | Size 1; Size 4; 150 Count; Overnight; Sensitive
            Baby Wipes: Wipes; Wet Wipes; Water Wipes; Baby Tissues | Unscented; Sensitive; 720 Count; 12 Packs
            Swaddle Blanket: Swaddle; Receiving Blanket; Baby Blanket; Muslin Wrap; Sleep Sack | Muslin; Organic Cotton; 4 Pack; 0-3 Months
            Video Baby Monitor: Baby Monitor; Baby Camera; Audio Monitor; Monitor | 5" Screen; Night Vision; Two-Way Talk; Long Range
            High Chair: Feeding Chair; Booster Seat; Baby Chair; Toddler Chair | 3-in-1; Foldable; Adjustable Tray
            Baby Bodysuit: Onesie; Romper; Baby Clothes; Outfit; Jumpsuit | Short Sleeve; 5-Pack; Cotton; 0-3 Months; 6-9 Months
            Pacifier: Soother; Binky; Teether; Dummy | 0-6 Months; Orthodontic; 2 Pack; Glow in the Dark
            Crib Mattress: Baby Mattress; Toddler Mattress; Mattress | Waterproof; Dual Sided; 6 Inch; Breathable
        """,
        "attrs": "Newborn; Hypoallergenic; Organic Cotton; BPA Free; Breathable; Soft; Lightweight",
        "specs": "{0-3,3-6,6-9,12} Months; Size {1,2,3,4,5,6}; {2,3,4,5,6} Pack; {64,80,150,720} Count",
        "features": "with Canopy; with Cup Holder; with Storage Basket; with Carrying Case",
        "audience": "Baby; Infant; Newborn; Toddler; Baby Boy; Baby Girl",
        "crowd": "Newborn; Infant; Toddler; Baby Boy; Baby Girl; Boys; Girls; Kids; Mom; Twins",
        "uses": "Baby Shower; Travel; Nursery; Car; Home; Daycare; Airplane; Outdoor; Sleep; Bath; Gift",
        "colors": "1",
        "pseudo": "0.35",
    },
    "pet": {
        "brands": "Purina; Pedigree; Blue Buffalo; Hill's Science Diet; Greenies; KONG; Frisco; Tidy Cats; "
                  "Arm & Hammer; PetSafe; Nylabone; Milk-Bone; Vibrant Life; Fresh Step; Rabbitgoo; Chuckit!; "
                  "Friskies; Meow Mix; Iams; Wellness; Tetra; Fluval; Furhaven; MidWest Homes for Pets",
        "products": """
            Dog Bed: Pet Bed; Dog Sofa; Cat Bed; Pet Couch; Dog Mattress; Pet Cushion; Dog Cushion | Orthopedic; Calming; Washable; Memory Foam; Bolster; Donut
            Dry Dog Food: Dog Food; Pet Food; Dog Kibble; Puppy Food | Chicken and Rice; Grain Free; Adult; Small Breed; 30 lb Bag
            Clumping Cat Litter: Cat Litter; Kitty Litter; Litter; Cat Sand | Unscented; Multi-Cat; Odor Control; 20 lb
            Dog Leash: Leash; Lead; Dog Rope; Training Leash; Pet Leash | 6 ft; Reflective; Retractable; Heavy Duty; Padded Handle
            Dog Harness: Harness; Vest Harness; No Pull Harness; Pet Harness; Dog Vest | No Pull; Adjustable; Reflective; Front Clip
            Cat Tree: Cat Tower; Cat Condo; Scratching Post; Cat Furniture; Kitty Tower | 54 Inch; Multi-Level; Sisal; Hammock
            Chew Toy: Dog Toy; Squeaky Toy; Pet Toy; Rope Toy; Teething Toy | Durable; Indestructible; Rubber; Treat Dispensing
            Pet Water Fountain: Water Dispenser; Drinking Fountain; Water Bowl; Cat Fountain | 2.5L; Quiet; Filtered; Stainless Steel
            Dog Crate: Dog Kennel; Pet Cage; Dog Cage; Kennel; Playpen | Folding; Double Door; 42 Inch; Metal; with Divider
            Cat Scratcher: Scratching Board; Scratch Pad; Scratcher Lounge | Cardboard; Reversible; with Catnip
            Aquarium Filter: Fish Tank Filter; Filter; Water Filter; Tank Filter | Power; 20 Gallon; Quiet; Internal
            Dog Treats: Dog Chews; Treats; Puppy Treats; Training Treats; Dental Chews | Dental; Soft; Chicken; Small; 36 oz
            Wet Cat Food: Cat Food; Canned Cat Food; Pate; Kitten Food | Pate; Variety Pack; 3 oz Cans; 24 Pack
            Poop Bags: Dog Waste Bags; Waste Bags; Pet Bags; Doggie Bags | Unscented; Leak-Proof; 300 Count; with Dispenser
        """,
        "attrs": "Washable; Non-Slip; Waterproof; Adjustable; Durable; Heavy Duty; Reflective",
        "specs": "{Small,Medium,Large,X-Large}; {20,30,36,42,48}-Inch; {4,8,15,20,30} lb; {4,6} ft; Size {S,M,L,XL}",
        "features": "with Removable Cover; with Dispenser; with Handle; with Divider",
        "crowd": "Dogs; Cats; Puppy; Kitten; Small Dogs; Medium Dogs; Large Dogs; Pets; Indoor Cats; Rabbits; "
                 "Small Animals",
        "uses": "Indoor; Outdoor; Travel; Car; Training; Walking; Running; Home; Crate; Sofa; Couch; Bed; Floor",
        "colors": "1",
        "pseudo": "0.35",
    },
    "auto": {
        "brands": "Bosch; ACDelco; Motorcraft; Rain-X; NGK; FRAM; K&N; Mobil 1; Castrol; Pennzoil; Valvoline; "
                  "WeatherTech; Michelin; Armor All; Meguiar's; Chemical Guys; NOCO; SYLVANIA; Wagner; Monroe; "
                  "Dorman; Denso; Cardone; TRQ; Detroit Axle; Husky Liners; Duralast",
        "products": """
            Brake Pads: Disc Brake Pad Set; Ceramic Brake Pads; Brake Pad Kit; Pads | Ceramic; Front; Rear; Semi-Metallic
            Wiper Blades: Windshield Wipers; Wiper Blade; Windshield Wiper Blades; Wipers | 26" + 17"; 22 Inch; Beam; All Season
            Engine Air Filter: Air Filter; Filter; Cabin Air Filter; Air Cleaner | Washable; High Flow; Replacement
            Spark Plugs: Spark Plug; Ignition Plugs; Iridium Plugs; Plugs | Iridium; Platinum; Set of 4; Set of 8
            Car Seat Covers: Seat Cover; Seat Cushion; Seat Protector; Car Seat Cushion | Full Set; Front Seats; Leatherette; Universal Fit
            Floor Mats: Car Mats; All Weather Mats; Floor Liners; Car Floor Mat; Carpet Mats | All Weather; Heavy Duty Rubber; Trim to Fit; 4 Piece
            Jump Starter: Battery Booster; Car Jump Starter; Battery Jumper; Power Bank | 1500A; 12V; Lithium; with LED Light
            Tire Inflator: Air Compressor; Tire Pump; Air Pump; Portable Compressor | 12V DC; Digital; 150 PSI; Cordless
            LED Headlight Bulbs: LED Headlight; Bulbs; Headlamp; Fog Light; Conversion Kit | H11; 9005; 6000K; Plug and Play; 2 Pack
            CV Axle Shaft: Axle; CV Joint; Drive Shaft; Half Shaft | Front Left; Front Right; Rear Right; Driver Side; Passenger Side
            Full Synthetic Motor Oil: Synthetic Oil; Engine Oil; Oil; Lubricant | 5W-30; 0W-20; 5 Quart; High Mileage
            Car Phone Charger: Car Charger; USB Car Adapter; Cigarette Lighter Charger | Dual USB; 48W; PD Fast Charging
            Car Cover: Vehicle Cover; Auto Cover; Outdoor Car Cover | Waterproof; All Weather; UV Protection; Sedan Fit
        """,
        "attrs": "OEM Replacement; Heavy Duty; Universal Fit; Premium; Direct Fit; Waterproof",
        "specs": "{2,4,8}-Pack; {1,5} Quart; {12,17,18,20,22,24,26} Inch; Set of {2,4}",
        "features": "with Hardware; with Sensors; with Brackets; with Carry Bag",
        "crowd": "Cars; Trucks; SUVs; Vans; Sedans; RVs; Motorcycles; Boats",
        "uses": "Car; Truck; SUV; Van; Sedan; RV; Jeep; Pickup; Motorcycle; Boat; Trailer",
        "compat": "Toyota Camry; Honda Civic; Honda Accord; Ford F-150; Chevrolet Silverado 1500; Nissan Altima; "
                  "Jeep Wrangler; Mazda CX-5; Mazda CX-7; Hyundai Elantra; Subaru Outback; Ram 1500; Kia Sorento; "
                  "Volkswagen Jetta; GMC Sierra; Chrysler 300; Toyota RAV4; Toyota Corolla; Ford Explorer; "
                  "Chevy Equinox; Dodge Charger; Tesla Model 3; BMW 328i; Lexus RX350",
        "colors": "0",
        "models": "1",
        "pseudo": "0.3",
    },
    "tools": {
        "brands": "DEWALT; Milwaukee; Makita; RYOBI; BLACK+DECKER; CRAFTSMAN; Bosch; Stanley; Klein Tools; Husky; "
                  "Hyper Tough; Kobalt; Werner; IRWIN; WORX; Streamlight; Gorilla; 3M; Loctite; Channellock; "
                  "Hart; Ridgid",
        "products": """
            Cordless Drill: Drill Driver; Power Drill; Electric Drill; Impact Driver; Drill | 20V MAX; Brushless; 1/2-Inch; Compact; Lithium-Ion
            Socket Set: Wrench Set; Ratchet Set; Mechanic Tool Set; Tool Kit; Socket Wrench | 1/4" and 3/8" Drive; SAE and Metric; 108-Piece; Chrome Vanadium
            Tape Measure: Measuring Tape; Measure Tape; Ruler | 25 ft; Magnetic Tip; Retractable; Auto Lock
            Circular Saw: Power Saw; Saw; Cutting Tool; Miter Saw | 7-1/4 Inch; 15 Amp; Corded; with Laser Guide
            LED Flashlight: Flashlight; Torch; Tactical Flashlight; Work Light; Lantern | 1000 Lumens; Rechargeable; Zoomable; Waterproof
            Tool Box: Toolbox; Tool Chest; Storage Box; Tool Organizer; Tool Bag | 19 Inch; Plastic; Metal Latches; Rolling
            Utility Knife: Box Cutter; Razor Knife; Pocket Knife; Knife | Retractable; Folding; Quick Change Blade; with 10 Blades
            Extension Cord: Power Cord; Extension Cable; Power Strip; Cord | 50 ft; 16/3; Outdoor; 3-Prong; Lighted End
            Work Gloves: Safety Gloves; Gloves; Mechanic Gloves; Gardening Gloves | Cut Resistant; Leather; Touchscreen; Large
            Step Ladder: Ladder; Folding Ladder; Step Stool; Extension Ladder | 3-Step; Aluminum; 225 lb Capacity; Anti-Slip
            Stud Finder: Wall Scanner; Stud Sensor; Detector | Electronic; 4-in-1; LCD Display
            Precision Screwdriver Set: Screwdrivers; Screwdriver Kit; Repair Tool Kit; Bit Set | 60 in 1; Magnetic; Electronics Repair
            Wet Dry Vacuum: Shop Vacuum; Shop Vac; Vacuum Cleaner; Blower | 5 Gallon; 4 Peak HP; Portable
            Caulk Gun: Caulking Gun; Sealant Gun; Dispensing Gun | Dripless; 10 oz; Heavy Duty
        """,
        "attrs": "Cordless; Heavy Duty; Rechargeable; Magnetic; Folding; Variable Speed; Professional; Compact",
        "specs": "Tool Only; with Battery and Charger; {25,50,100} ft; {60,108,230}-Piece; {2,3,4}-Step",
        "features": "with Battery and Charger; with Carrying Case; with Belt Clip; with LED Light",
        "crowd": "Men; Women; DIY; Professionals; Contractors; Electricians; Mechanics; Homeowners; Dad",
        "uses": "Home; Garage; Workshop; Construction; Car; Garden; Camping; Emergency; Woodworking; DIY; "
                "Outdoor; Job Site",
        "colors": "0",
        "models": "1",
        "pseudo": "0.35",
    },
    "sports": {
        "brands": "Coleman; Ozark Trail; Gaiam; Bowflex; Spalding; Wilson; Titleist; Callaway; Schwinn; Huffy; "
                  "Shimano; Ugly Stik; Everlast; CAP Barbell; Igloo; YETI; Mossy Oak; Franklin Sports; "
                  "Intex; Lifetime; Body Glove; Speedo; Bell; Amazon Basics; Athletic Works",
        "products": """
            Yoga Mat: Exercise Mat; Fitness Mat; Workout Mat; Pilates Mat; Gym Mat | Non-Slip; Extra Thick; 1/4 Inch; 6mm; TPE; with Carrying Strap
            Adjustable Dumbbells: Dumbbell Set; Dumbbells; Weights; Hand Weights; Free Weights | 52.5 lb; Pair; Neoprene; Hex; 5 lb
            Resistance Bands: Exercise Bands; Workout Bands; Loop Bands; Fitness Bands | Set of 5; Fabric; Heavy; with Handles
            Camping Tent: Tent; Dome Tent; Backpacking Tent; Family Tent; Shelter | 4-Person; 6-Person; Waterproof; Instant Setup
            Sleeping Bag: Camping Sleeping Bag; Sleeping Pad; Bag | 20 Degree; Mummy; Lightweight; Cold Weather
            Mountain Bike: Bike; Bicycle; MTB; Cycling Bike; Road Bike | 26 Inch; 21-Speed; Front Suspension; Aluminum Frame
            Bike Helmet: Helmet; Cycling Helmet; Skateboard Helmet; Safety Helmet | Adjustable; Lightweight; Adult; Youth
            Fishing Rod and Reel Combo: Fishing Pole; Fishing Rod; Spinning Rod; Fishing Reel | 6'6"; Medium; Spinning; Telescopic
            Basketball: Ball; Indoor Outdoor Basketball; Game Ball | Official Size 7; 29.5"; Composite Leather
            Golf Balls: Golf Ball; Balls; Practice Balls | 12 Pack; Soft Feel; Distance; Dozen
            Tennis Racket: Tennis Racquet; Racket; Racquet | Pre-Strung; 27 Inch; Graphite; Oversize
            Kayak Paddle: Paddle; Boat Paddle; Oar | Aluminum Shaft; 230cm; Adjustable
            Camping Hammock: Hammock; Swing; Hanging Bed | Double; Portable; Parachute Nylon; with Tree Straps
            Jump Rope: Skipping Rope; Speed Rope; Fitness Rope | Adjustable; Tangle-Free; Weighted; Ball Bearing
            Cooler: Ice Chest; Ice Box; Cooler Box | 50 Quart; Rolling; Hard; Wheeled; 5-Day Ice
        """,
        "attrs": "Non-Slip; Adjustable; Waterproof; Lightweight; Portable; Foldable; Heavy Duty; Insulated",
        "specs": "{2,4,6,8}-Person; {5,10,15,20,25} lb; {24,26,27,29} Inch; {6,12,24} Pack; Pair",
        "features": "with Carrying Bag; with Carry Strap; with Pump; with Rainfly; with Handles",
        "crowd": "Men; Women; Kids; Adults; Teens; Boys; Girls; Beginners; Youth; Seniors",
        "uses": "Home Gym; Workout; Fitness; Pilates; Exercise; Yoga; Training; Outdoor; Indoor; Camping; Hiking; "
                "Travel; Beach; Backpacking; Fishing; Hunting; Park",
        "colors": "1",
        "models": "0",
        "pseudo": "0.3",
    },
    "garden": {
        "brands": "Scotts; Miracle-Gro; Sun Joe; Greenworks; Gardena; Flexzilla; Fiskars; Burpee; Melnor; "
                  "Greenes Fence; Suncast; Vigoro; Expert Gardener; Better Homes & Gardens; Orbit; Rain Bird; "
                  "Perky-Pet; Kingsford; Weber; Char-Broil",
        "products": """
            Garden Hose: Water Hose; Expandable Hose; Hose; Flexible Hose | 50 ft; 100 ft; Expandable; Kink Free; Heavy Duty; Lightweight
            Solar Pathway Lights: Solar Lights; Pathway Lights; Garden Lights; Landscape Lights; Outdoor Lights; Solar Lamps | 8 Pack; Warm White; Waterproof; Auto On/Off
            Raised Garden Bed: Planter Box; Garden Bed; Planter; Elevated Planter | Cedar; Galvanized; 8 x 4 ft; Metal; with Legs
            Hose Nozzle: Spray Nozzle; Sprayer; Water Nozzle; Spray Gun | 10 Patterns; Metal; Heavy Duty; Thumb Control
            Pruning Shears: Garden Shears; Pruners; Clippers; Hand Pruner; Secateurs | Bypass; Titanium; Ergonomic
            Lawn Mower: Mower; Push Mower; Grass Cutter; Lawnmower | 21-Inch; Self-Propelled; Cordless; 40V; Gas
            Bird Feeder: Feeder; Hanging Bird Feeder; Wild Bird Feeder | Squirrel Proof; Metal; 4 Ports; Tube
            Patio Umbrella: Outdoor Umbrella; Market Umbrella; Umbrella; Sun Shade | 9 ft; Tilt; Crank; UV Resistant
            Potting Mix: Potting Soil; Garden Soil; Soil; Plant Food | 8 qt; All Purpose; Indoor; Organic
            Wildflower Seeds: Flower Seeds; Seeds; Seed Packets | Non-GMO; Perennial; Pollinator Mix; 1 lb
            Outdoor Seat Cushions: Patio Cushions; Chair Cushions; Seat Pads; Cushions | Set of 4; Water Resistant; 19 x 19 Inch
            Gas Grill: Grill; BBQ Grill; Propane Grill; Barbecue | 3-Burner; Propane; Stainless Steel; with Side Burner
            Charcoal: Charcoal Briquettes; Briquets; Grilling Fuel | Original; Match Light; 16 lb Bag
        """,
        "attrs": "Heavy Duty; Outdoor; Weather Resistant; UV Resistant; Solar Powered; Galvanized; Cordless",
        "specs": "{25,50,75,100} ft; {8,12,16} Pack; {9,10,11} ft; {8,16,25} qt",
        "features": "with Stand; with Cover; with Wheels; with Timer; with Hose Reel",
        "crowd": "Gardeners; Men; Women; Kids; Beginners; Homeowners",
        "uses": "Garden; Yard; Patio; Lawn; Pathway; Walkway; Driveway; Landscape; Outdoor; Deck; Porch; Balcony; "
                "Backyard; Pool; Farm",
        "colors": "1",
        "pseudo": "0.35",
    },
    "office": {
        "brands": "BIC; Pilot; Paper Mate; Sharpie; Post-it; Five Star; Mead; Avery; Swingline; Pendaflex; EXPO; "
                  "Brother; DYMO; Moleskine; Smead; Staples; Pen+Gear; Hammermill; Zebra; uni-ball; Amazon Basics; "
                  "Quartet; Fellowes",
        "products": """
            Gel Pens: Pens; Ballpoint Pens; Rollerball Pens; Writing Pens; Ink Pens | 0.7mm; Fine Point; Black Ink; Assorted Colors; Retractable
            Spiral Notebook: Notebook; Journal; Notepad; Composition Book; Writing Pad | College Ruled; Wide Ruled; 1 Subject; 100 Sheets; 5 Pack
            Sticky Notes: Post It Notes; Self-Stick Notes; Memo Pads; Notes | 3 x 3 Inch; Pastel; 12 Pads; Super Sticky
            Desk Organizer: Desktop Organizer; Pen Holder; Office Organizer; Storage Caddy | Mesh; 5 Compartments; with Drawer
            Stapler: Desktop Stapler; Heavy Duty Stapler; Staple Gun | 20 Sheet Capacity; Full Strip; Jam Free
            File Folders: Folders; Hanging Folders; Manila Folders; Document Folders | Letter Size; 1/3 Cut Tab; 100 Pack
            Daily Planner: Planner; Agenda; Organizer Book; Calendar; Journal | 2025; Weekly and Monthly; Hardcover; Undated
            Whiteboard: Dry Erase Board; White Board; Magnetic Board; Message Board | 36 x 24 Inch; Magnetic; Aluminum Frame
            Label Maker: Label Printer; Labeler; Label Machine | Handheld; Bluetooth; with Tape
            Highlighters: Highlighter Markers; Markers; Highlighter Pens | Chisel Tip; Assorted; 12 Count
            Copy Paper: Printer Paper; Paper; Multipurpose Paper | 8.5 x 11; 20 lb; 92 Bright; 1 Ream
            Paper Shredder: Shredder; Document Shredder; Cross Cut Shredder | 8-Sheet; Cross-Cut; with Basket
            Scientific Calculator: Calculator; Graphing Calculator; Desk Calculator | 2-Line Display; Solar; 240 Functions
        """,
        "attrs": "Assorted Colors; Refillable; Quick Dry; Smear Proof; Heavy Duty; Letter Size",
        "specs": "{12,24,36,48,60} Count; Pack of {2,3,4,5,6,12}; {70,100,150,200} Sheets; {5,8.5 x 11,A4}",
        "features": "with Pen Loop; with Pocket; with Clip; with Stand",
        "crowd": "Students; Teachers; Kids; Adults; Professionals; Artists; Women; Men",
        "uses": "School; Office; Home; Classroom; College; Journaling; Drawing; Note Taking; Business; Work; "
                "Back to School; Study",
        "colors": "1",
        "pseudo": "0.3",
    },
    "crafts_party": {
        "brands": "Cricut; Mod Podge; Red Heart; Lion Brand; Crayola; Hallmark; American Greetings; "
                  "Amscan; Way to Celebrate; Creatology; Singer; Elmer's; Apple Barrel; Martha Stewart",
        "products": """
            Latex Balloons: Party Balloons; Balloons; Balloon Garland Kit; Balloon Arch | 12 Inch; 100 Pack; Pastel; Metallic
            Happy Birthday Banner: Party Banner; Banner; Bunting; Garland; Sign | Gold Glitter; Pre-Strung; Rose Gold
            Acrylic Yarn: Yarn; Knitting Yarn; Crochet Yarn; Wool Yarn | Medium Weight; 7 oz; Super Saver; 3 Pack
            Acrylic Paint Set: Paint Set; Acrylic Paints; Craft Paint; Art Paint | 24 Colors; 2 oz Bottles; Non-Toxic
            Wrapping Paper: Gift Wrap; Wrapping Paper Roll; Gift Paper | 4 Rolls; Christmas; Kraft; 30 Inch
            Vinyl Decal: Sticker; Decal; Wall Sticker; Car Sticker; Vinyl Sticker | 4 Inch; Die Cut; Waterproof; Matte
            Diamond Painting Kit: Paint by Numbers Kit; Diamond Art Kit; Painting Kit; Craft Kit | 5D; Full Drill; 12 x 16 Inch
            Hot Glue Gun: Glue Gun; Glue Gun Kit; Mini Glue Gun | 20W; with 30 Glue Sticks; Cordless
            Sewing Machine: Sewing Kit; Stitching Machine; Embroidery Machine | 23 Built-in Stitches; Computerized; Portable
            Party Plates: Paper Plates; Disposable Plates; Dinner Plates; Plates | 9 Inch; 50 Count; Heavy Duty; Gold Rim
            Tablecloth: Table Cover; Table Cloth; Plastic Tablecloth | Rectangle; 54 x 108 Inch; Disposable; 6 Pack
        """,
        "attrs": "DIY; Assorted; Reusable; Glitter; Gold; Rose Gold; Non-Toxic",
        "specs": "{10,12,24,50,100} Pack; {12,16,30} Inch; {3,4,6} Rolls; {24,36,48} Colors",
        "features": "with Ribbon; with Pump; with Glue Dots; with Tools",
        "crowd": "Kids; Adults; Girls; Boys; Women; Men; Beginners; Teens; Toddlers",
        "uses": "Birthday; Wedding; Baby Shower; Bridal Shower; Graduation; Christmas; Halloween; Anniversary; "
                "Party; Easter; Thanksgiving; Gender Reveal; Classroom",
        "colors": "1",
        "pseudo": "0.35",
    },
}

# ---- shared word lists ----------------------------------------------------------------------
COLORS = ("Black; White; Gray; Grey; Navy Blue; Navy; Red; Pink; Beige; Green; Olive Green; Brown; Rose Gold; "
          "Silver; Multicolor; Blue; Light Blue; Purple; Khaki; Burgundy; Teal; Charcoal; Ivory; Clear; "
          "Heather Gray; Dark Wash; Cream; Sage Green; Mustard Yellow; Lavender; Coral; Tan; Espresso; "
          "Matte Black; Midnight Blue; Forest Green; Off White; Camo; Leopard")

# Promotional padding sellers add (SEO spam), from mild to blatant.
PADDING = ("Hot Sale; Brand New; 2024 Newest; 2025 New; Upgraded Version; Premium Quality; "
           "High Quality; Best Quality; Free Shipping; Fast Shipping; Best Gift; Great Gift; Perfect Gift; "
           "Latest Style; Top Seller; Best Seller; 100% Original; New Arrival; Hot; "
           "Clearance; Big Sale; Limited Time; Top Rated; Must Have; Cheap; On Sale; Deal; "
           "Factory Direct; Wholesale; Free Gift; Amazing; Best Price; Bestseller; Hot Selling; Newest")

# Generic feature words stacked into feature dumps.
FEATURES = ("Waterproof; Durable; Lightweight; Portable; Reusable; Non-Slip; Eco-Friendly; Easy to Clean; "
            "Easy Install; Multifunctional; Universal; Comfortable; Soft; Breathable; Anti-Scratch; Shockproof; "
            "Foldable; Washable; Adjustable; Heavy Duty; Sturdy; Practical; Convenient; Multi-Purpose; "
            "Space Saving; Stylish; Elegant; Cute; Creative; Simple; Large Capacity; Odorless; Safe; Smooth; "
            "Flexible; Strong; Long Lasting; High Performance; Professional; Ultra Thin; Anti-Fall")

OCCASIONS = ("Birthday; Christmas; Thanksgiving; Halloween; Valentine's Day; Mother's Day; Father's Day; "
             "Anniversary; Wedding; Graduation; Easter; Party; New Year; Holiday; Housewarming; Retirement")

GIFT_FOR = "Men; Women; Mom; Dad; Wife; Husband; Girlfriend; Boyfriend; Kids; Teens; Grandma; Grandpa; Friends; Her; Him"

# Vague titles that do not say what the product is (not clear).
VAGUE = """Nice item
Great product for you
Good quality stuff
Best gift ever
New arrival hot sale
Amazing deal today
Must have item
Hot item free shipping
Cool stuff for everyone
Perfect gift for anyone
Item for sale
Good product
Useful thing for home
Beautiful new design
Lot of 5 items
Misc lot
Mystery box item
Assorted items bundle
Special offer
Top quality product
Buy now limited stock
Best seller item 2024
Cute thing
Awesome product must see
Great value deal
New and improved
Look here
Wholesale lot
Fashion style new
Brand new in box
Original product
As seen on TV
Sale item
Gift set
Everyday essentials
High quality goods
See description
Please read description
Various
Product
Item
Accessories
Stuff
Misc
Other
Default title
Untitled product
Test listing
Unknown"""

# Short, complete titles of well-known products (clear and concise although brief).
SHORT_COMPLETE = """Apple AirPods Pro 2|electronics
Apple AirPods 4|electronics
Sony WH-1000XM5 Headphones|electronics
Bose QuietComfort Earbuds II|electronics
Nintendo Switch OLED Console|electronics
PlayStation 5 Console|electronics
Xbox Wireless Controller|electronics
Kindle Paperwhite E-Reader|electronics
Apple Watch SE GPS 40mm|electronics
Fitbit Charge 6 Fitness Tracker|electronics
Roku Express 4K+|electronics
Echo Dot 5th Gen|electronics
GoPro HERO12 Black|electronics
Apple iPad 10th Generation 64GB|computers
Samsung 990 PRO 2TB SSD|computers
Logitech MX Master 3S Mouse|computers
Apple Magic Keyboard|computers
Crocs Classic Clog|shoes
Nike Air Force 1 '07|shoes
Converse Chuck Taylor All Star High Top|shoes
Levi's 501 Original Jeans|clothing
Hanes Men's ComfortSoft T-Shirt|clothing
Carhartt Knit Cuffed Beanie|clothing
Stanley Quencher H2.0 40 oz Tumbler|kitchen
Instant Pot Duo 6 Quart|kitchen
Lodge 10.25 Inch Cast Iron Skillet|kitchen
KitchenAid Artisan Stand Mixer|kitchen
Keurig K-Mini Coffee Maker|kitchen
Pyrex 3-Cup Measuring Cup|kitchen
CeraVe Moisturizing Cream 16 oz|beauty
Maybelline Lash Sensational Mascara|beauty
Olaplex No. 3 Hair Perfector|beauty
Oral-B Pro 1000 Electric Toothbrush|health
Cheerios Cereal 18 oz|grocery
Folgers Classic Roast Ground Coffee 25.9 oz|grocery
Jif Creamy Peanut Butter 40 oz|grocery
LaCroix Lime Sparkling Water 12 Pack|grocery
LEGO Classic Creative Bricks 11717|toys
UNO Card Game|toys
Monopoly Classic Board Game|toys
Hot Wheels 20-Car Gift Pack|toys
Pampers Swaddlers Size 1, 84 Count|baby
Graco 4Ever DLX 4-in-1 Car Seat|baby
KONG Classic Dog Toy, Large|pet
Purina ONE Chicken and Rice Dry Dog Food 16.5 lb|pet
Tidy Cats Clumping Cat Litter 20 lb|pet
Rain-X Latitude Wiper Blade 22"|auto
Mobil 1 5W-30 Motor Oil 5 Quart|auto
NOCO Boost Plus GB40 Jump Starter|auto
DEWALT 20V MAX Cordless Drill Kit|tools
Stanley 25 ft Tape Measure|tools
Klein Tools 11-in-1 Screwdriver|tools
Coleman Sundome 4-Person Tent|sports
Spalding NBA Street Basketball|sports
YETI Rambler 20 oz Tumbler|sports
Wilson NFL Football, Official Size|sports
Miracle-Gro Potting Mix 8 qt|garden
Weber Original Kettle 22" Charcoal Grill|garden
Sharpie Fine Point Permanent Markers, 12 Count|office
Post-it Notes 3x3, 12 Pads|office
Five Star Spiral Notebook, College Ruled|office
Swingline Stapler|office
Cricut Joy Cutting Machine|crafts_party"""

# Hand-written titles in marketplace style: title | clarity | conciseness | category.
HANDWRITTEN = """Hamilton Beach 2-Slice Toaster with Extra-Wide Slots, Black|1|1|kitchen
Mainstays 5-Shelf Bookcase, Espresso|1|1|furniture
Time and Tru Women's Short Sleeve Knit Top, Sizes XS-XXXL|1|1|clothing
George Men's Relaxed Fit Jeans, 34W x 30L|1|1|clothing
Athletic Works Women's Dri-More Core Tank Top|1|1|clothing
Wonder Nation Girls Long Sleeve Graphic T-Shirt, 2-Pack, Sizes 4-18|1|1|clothing
Ozark Trail 4-Person Dome Tent with Rainfly|1|1|sports
Great Value Original Potato Chips, 13 oz|1|1|grocery
Equate Extra Strength Pain Reliever, 500 mg, 100 Caplets|1|1|health
Parent's Choice Baby Wipes, Fragrance Free, 720 Count|1|1|baby
Vibrant Life Orthopedic Dog Bed, Large, Gray|1|1|pet
Hyper Tough 20V Max Cordless Drill with Battery and Charger|1|1|tools
Pen+Gear Wide Ruled Composition Book, 100 Sheets|1|1|office
Better Homes & Gardens 18" x 18" Velvet Decorative Throw Pillow, Blush|1|1|home_decor
onn. 50" Class 4K UHD LED Roku Smart TV|1|1|electronics
The Pioneer Woman Vintage Floral 10-Piece Cookware Set|1|1|kitchen
Spalding Street Outdoor Basketball, Size 7 (29.5")|1|1|sports
Gildan Adult Heavy Cotton Long Sleeve T-Shirt, Sport Grey, Large|1|1|clothing
Dorman 924-5208 Transmission Oil Cooler Line for Ford F-150|1|1|auto
Detroit Axle Front CV Axle Shaft for 2013-2018 Toyota RAV4, Driver Side|1|1|auto
ACDelco Gold 41-110 Iridium Spark Plug, Pack of 4|1|1|auto
Motorcraft FA-1883 Engine Air Filter|1|1|auto
Moana Kids Hooded Bath Towel, 24 x 50 Inch|1|1|bedding_bath
Jurassic World Dominion 12-Inch Dinosaur Action Figure|1|1|toys
Barbie Dreamhouse Adventures Doll and Accessories|1|1|toys
Pokemon Scarlet & Violet Booster Bundle, 6 Packs|1|1|toys
Beautiful 6-Quart Touchscreen Air Fryer, White Icing by Drew Barrymore|1|1|kitchen
Corelle Classic Winter Frost White 18-Piece Dinnerware Set|1|1|kitchen
Sony Alpha a6400 Mirrorless Camera with 16-50mm Lens|1|1|electronics
HP 67 Black Ink Cartridge|1|1|computers
SanDisk 128GB Ultra microSDXC UHS-I Memory Card with Adapter|1|1|computers
TP-Link Archer AX21 Dual Band WiFi 6 Router|1|1|computers
Logitech K120 Wired USB Keyboard|1|1|computers
Carter's Baby Boys 3-Pack Footed Sleep and Play, Newborn|1|1|baby
Halo SleepSack Microfleece Wearable Blanket, Medium, 6-12 Months|1|1|baby
Purina Friskies Pate Wet Cat Food Variety Pack, 5.5 oz Cans, 24 Count|1|1|pet
Chuckit! Ultra Ball Dog Toy, Medium, 2 Pack|1|1|pet
Suncast 73 Gallon Resin Deck Box, Brown|1|1|garden
Fiskars Bypass Pruning Shears, 5/8" Cut Capacity|1|1|garden
Sun Joe 14-Inch 13 Amp Electric Lawn Mower|1|1|garden
Moleskine Classic Notebook, Hard Cover, Large, Ruled, Black|1|1|office
Pilot G2 Premium Gel Roller Pens, Fine Point, Black Ink, 12 Count|1|1|office
Fellowes 8-Sheet Cross-Cut Paper Shredder|1|1|office
Swarovski Women's Attract Round Pendant Necklace, Rhodium Plated|1|1|jewelry
Timex Men's Expedition Scout 40mm Watch, Brown Leather Strap|1|1|jewelry
Brilliance Fine Jewelry Sterling Silver Heart Pendant Necklace, 18"|1|1|jewelry
Samsonite Freeform 21" Hardside Carry-On Spinner, Navy|1|1|bags
JanSport Cross Town Backpack, Black|1|1|bags
Skechers Women's Go Walk Joy Slip-On Walking Shoe, Size 8|1|1|shoes
Crocs Unisex Classic Clog, Navy, Men's 9/Women's 11|1|1|shoes
The Quiet Orchard: A Novel (Paperback)|1|1|books
Replacement Remote Control for Vizio Smart TV|1|1|electronics
For Honda Accord 2013 2014 2015 2016 2017 Front Passenger Side CV Axle Shaft|1|1|auto
Rustic Wood Welcome Sign with Rope Hanger, 12 x 24 Inch|1|1|home_decor
Wireless Earbuds Bluetooth 5.3 Headphones In Ear Earphones Earbud Sports Headset with Mic for iPhone Android|1|0|electronics
Dog Bed Pet Bed for Large Dogs Dog Sofa Bed Washable Pet Couch Cat Bed Calming Dog Mattress|1|0|pet
Women Summer Dress Casual Beach Dress Sundress Boho Floral Maxi Dress Party Dress for Women Ladies Girls|1|0|clothing
Phone Case for iPhone 15 14 13 12 11 Pro Max Mini Plus XR XS Shockproof Cover Case|1|0|phone_accessories
Kitchen Knife Set Knife Block Set Chef Knife Kitchen Knives Cutlery Set Stainless Steel Knives Set|1|0|kitchen
Yoga Mat Exercise Mat Fitness Mat Non Slip Workout Mat Gym Mat for Home Gym Pilates Yoga Floor Exercises|1|0|sports
LED Strip Lights 50ft LED Lights for Bedroom Room Decor Party Christmas Halloween Home Kitchen TV Lights|1|0|home_decor
Solar Lights Outdoor Garden Lights Solar Pathway Lights Landscape Lights for Yard Patio Lawn Walkway Driveway|1|0|garden
Hot Sale 2024 New Fashion Women Handbag Shoulder Bag Tote Bag Purse Crossbody Bag Gift for Women|1|0|bags
Baby Girl Clothes Newborn Infant Baby Girl Romper Baby Outfit Baby Clothes Set 0-18 Months Gift|1|0|baby
Car Floor Mats for Toyota Honda Ford Chevy Nissan Jeep Dodge Kia Hyundai Universal Car Mats SUV Truck Sedan|1|0|auto
Water Bottle Sports Water Bottle Insulated Water Bottle 32oz Stainless Steel Bottle for Gym Travel School Office|1|0|kitchen
Men's Running Shoes Sneakers Walking Shoes Tennis Shoes Athletic Shoes Gym Shoes Jogging Trainers Sports Shoes|1|0|shoes
Necklace for Women Gift for Mom Wife Girlfriend Daughter Birthday Christmas Valentine's Day Anniversary Jewelry Gift|1|0|jewelry
Cat Tree Cat Tower Cat Condo Cat Furniture Scratching Post Kitty Tower for Indoor Cats Kittens Large Cats|1|0|pet
Hair Straightener Flat Iron Hair Straightener and Curler 2 in 1 Ceramic Flat Iron for Women Hair Styling Tool|1|0|beauty
Toys for Boys Girls Kids Toddlers Age 3 4 5 6 7 8 Year Old Birthday Christmas Gifts Educational STEM Toys|1|0|toys
BRAND NEW HOT SALE Stainless Steel Frying Pan Nonstick Skillet Best Quality Free Shipping|1|0|kitchen
Notebook Journal Notebook for Women Men Kids Students School Office Journaling Writing Notebook 100 Sheets|1|0|office
Garden Hose Expandable Garden Hose Water Hose 100ft Flexible Hose Garden Hose Pipe with Nozzle|1|0|garden
Throw Pillow Covers Pillow Cases Cushion Covers Decorative Pillows for Couch Sofa Bed Living Room Bedroom Home|1|0|home_decor
Bath Towels Bath Towel Set Towels for Bathroom Hotel Gym Spa Beach Pool Soft Absorbent Quick Dry Towels|1|0|bedding_bath
Men Watch Mens Watches Sports Watch Quartz Watch Waterproof Wrist Watch Gift for Men Boyfriend Father|1|0|jewelry
Office Chair Desk Chair Computer Chair Ergonomic Gaming Chair Task Chair Swivel Chair with Lumbar Support|1|0|furniture
Power Bank Portable Charger 20000mAh Battery Pack Phone Charger External Battery for iPhone Samsung Android|1|0|phone_accessories
Protein Powder Whey Protein Powder Chocolate Protein Shake Protein Supplement for Men Women Muscle Gain|1|0|health
Halloween Christmas Birthday Party Decorations Banner Balloons Party Supplies Kit for Kids Adults Party Favors|1|0|crafts_party
Electric Toothbrush Sonic Toothbrush Rechargeable Toothbrush for Adults Kids Teeth Whitening Toothbrush|1|0|health
Nice item|0|0|other
Great product for you|0|0|other
New Arrival Hot Sale 2024 Best Gift Free Shipping|0|0|other
Black Large Soft Comfortable Fashion|0|0|clothing
XR-2210 V2 Black|0|0|electronics
For iPhone 15 Pro Max Black|0|0|phone_accessories
Fits 2015-2020 Ford F-150 Front Left|0|0|auto
Men Women Kids Gift Home Office Hot Sale|0|0|other
HX2244 Replacement Part|0|0|auto
Premium Quality Best Price Top Seller|0|0|other
Stainless Steel 12 Inch Silver Heavy Duty|0|0|kitchen
Lot of 3|0|0|other
Vintage Style Cute Pink 2Pcs|0|0|other
Bundle Deal Mixed Colors Random Style|0|0|other
KZ-9 Pro Max Edition|0|0|electronics
New 2024 Upgraded Version Multifunctional|0|0|other
Phone Case Charger Earbuds Watch Band Car Holder Set Accessories|0|0|phone_accessories
Universal Fit All Models Best Quality|0|0|auto
Christmas Gift for Him|0|0|other
Soft and Comfy for Daily Use|0|0|clothing
Unisex Adult Free Size One Size Fits Most|0|0|clothing
Ships from USA Fast Delivery|0|0|other"""

# Books: generated titles with format suffixes (clear and concise unless padded).
BOOK_WORDS = {
    "adj": "Silent; Hidden; Lost; Last; Quiet; Broken; Golden; Secret; Forgotten; Wild; Little; Great; Long; "
           "Dark; Bright; Distant; Second; Midnight; Winter; Summer; Southern; Northern; Modern; Practical; "
           "Complete; Essential; Ancient; New",
    "noun": "River; Garden; House; Kingdom; Orchard; Road; Sea; Mountain; Light; Shadow; Promise; Letter; "
            "Island; Forest; City; Storm; Harvest; Field; Journey; Bridge; Library; Witness; Daughter; Empire; "
            "Machine; Heart; Game; War; Table; Window",
    "topic": "Python Programming; Data Science; Gardening; Leadership; Personal Finance; Mindfulness; World History; "
             "Photography; Woodworking; Bread Baking; Marketing; Nutrition; Parenting; Statistics; Astronomy; "
             "Watercolor Painting; Public Speaking; Lean Management; Machine Learning; Home Repair; Birdwatching; "
             "Chess; Spanish Grammar; Anatomy; Accounting",
    "format": "(Paperback); (Hardcover); [Paperback]; (Kindle Edition); (Audio CD); (Board Book); Paperback; "
              "Hardcover; (Spiral-bound); (Large Print); (Mass Market Paperback)",
    "subtitle": "A Novel; A Memoir; Stories; Poems; A Practical Guide; The Complete Guide; An Introduction; "
                "A Beginner's Guide; Essays; A History; Lessons from the Field; A Thriller; A Cookbook; "
                "Second Edition; 3rd Edition; Volume 2; Book 1; Workbook",
    "author": "Jane Miller; Robert Chen; Maria Lopez; David Okafor; Emily Hart; Samuel Price; Aisha Khan; "
              "Thomas Reed; Laura Brooks; Kenji Watanabe",
}

# ---- designs, product lines and technical details: variety in GOOD titles -------------------------
# Print-on-demand designs ("Corgi on a Skateboard T-Shirt") and slogans are clean titles although
# their words are unusual; the model must not treat unusual words as stuffing.
THEME = {
    "animal": "Corgi; Llama; Sloth; Fox; Owl; Bear; Shark; Dinosaur; Unicorn; Cat; Dog; Pug; Dachshund; Panda; "
              "Octopus; Bee; Turtle; Flamingo; Giraffe; Elephant; Raccoon; Axolotl; Frog; Horse; Cow; Goat; "
              "Chicken; Penguin; Hedgehog; Moose; Wolf; Eagle; Bulldog; Husky; Labrador; Koala; Whale; Bunny",
    "thing": "Mountains; Sunset; Ocean Waves; Pine Trees; Roses; Daisies; Sunflowers; Cactus; Coffee; Tacos; "
             "Pizza; Donuts; Wine; Books; Guitar; Vinyl Records; Camping; Fishing; Hiking; Baking; Gardening; "
             "Yoga; Chess; Bowling; Pickleball; Trombone; Drums; Planets; Stars; Moon Phases; Lightning; "
             "Campfire; Fall Leaves; Pumpkins; Snowflakes; Shamrocks; Hearts; Rainbows; Mushrooms; Lemons",
    "place": "Texas; California; Hawaii; Paris; Tokyo; Brooklyn; Route 66; Alaska; Colorado; Maine; Nashville; "
             "Chicago; Yellowstone; Grand Canyon; Florida Keys; New Orleans; Seattle; Boston; Ireland; Italy",
    "person": "Grandma; Mimi; Nana; Papa; Grandpa; Dad; Mom; Aunt; Uncle; Nurse; Teacher; Firefighter; Coach; "
              "Big Sister; Little Brother; Bride; Groom; Mama; Dada; Gigi; Pop Pop; Godmother; Principal",
    "verb": "Riding; Dancing; Reading; Sleeping; Surfing; Skating; Drinking Coffee; Playing Guitar; Camping; "
            "Hugging; Running; Fishing; Baking; Gardening; Flying",
    "adj": "Funny; Vintage; Retro; Cute; Sarcastic; Happy; Spooky; Merry; Lucky; Grumpy; Sleepy; Wild; "
           "Rustic; Tropical; Boho; Patriotic; Floral; Mystical; Cosmic; Little; Tiny; Giant; Golden",
}
SLOGANS = """{person} Loves {thing}
Proud {person}
World's Best {person}
I Love {thing}
{animal} {verb}
{adj} {animal}
{animal} {verb} on a {thing}
Life Is Better at the Lake
Keep Calm and Carry On
Hello {season}
Just a Girl Who Loves {thing}
{person} Squad
{animal} Mom
{animal} Dad
{place} Est. {year}
Vintage {place} {year}
{place} {thing}
{adj} {thing}
Team {person}
{person} of the Year
Monogram Letter {letter}
{thing} and {thing2}
Good Vibes Only
{animal} Whisperer
But First Coffee
Born in {year}
{place} Strong
Eat Sleep {thing} Repeat
Support Your Local {animal}
{adj} {animal} with {thing}"""
SEASONS = "Fall; Spring; Summer; Winter; Autumn"
# Products that carry designs: type, synonyms (for stuffed variants), typical trailing details.
DESIGN_PRODUCTS = """T-Shirt: Tee; Shirt; Top; Tee Shirt | Adult; Unisex; Male; Female; Women's; Men's; Youth; Toddler
Long Sleeve T-Shirt: Tee; Shirt; Top; Long Sleeve Tee | Adult; Unisex; Male; Female
Hoodie: Hooded Sweatshirt; Sweatshirt; Pullover | Adult; Unisex; Youth
Tank Top: Tank; Sleeveless Shirt; Top | Women's; Men's; Racerback
Infant Bodysuit: Onesie; Baby Romper; Baby Bodysuit | Baby Boy; Baby Girl; Infant
Coffee Mug: Mug; Cup; Ceramic Mug; Coffee Cup | 11 oz; 15 oz; Ceramic
Throw Pillow: Pillow; Cushion; Decorative Pillow | 16x16; 18x18; Square
Poster Print: Poster; Print; Wall Art; Art Print | 11x17; 24x36; 18x24; Unframed
Canvas Wall Art: Canvas Print; Wall Art; Painting; Wall Decor | 16x20; 24x36; Gallery Wrapped
Vinyl Decal: Sticker; Decal; Car Sticker | 4 Inch; 5 Inch; Die Cut
Phone Case: Case; Cover; Phone Cover | Soft Gel; Hard Shell; Slim
Tote Bag: Bag; Shopping Bag; Canvas Bag | Natural; 15x15
Doormat: Door Mat; Welcome Mat; Mat | 18x30; Coir
Christmas Ornament: Ornament; Holiday Ornament; Tree Ornament | Round; Ceramic; 3 Inch
Baseball Cap: Hat; Cap; Dad Hat | Adjustable; Embroidered"""

# Product-line names that follow a brand ("Challenger II", "Go Walk Joy"): real words and coined ones.
LINE_WORDS = ("Summit; Voyager; Explorer; Classic; Essential; Challenger; Pioneer; Horizon; Atlas; Nova; Vista; "
              "Legacy; Elite; Endurance; Velocity; Comfort Zone; Everyday; Heritage; Signature; Urban; Alpine; "
              "Coastal; Metro; Trail Blazer; Go Walk; Air Max; Ultra Boost; Quiet Comfort; Sport Flex; Infinity; "
              "Prestige; Apex; Eclipse; Harbor; Meridian; Sierra; Aurora; Phoenix; Orbit; Zenith; Cascade")

# Technical details in clean titles (spec codes, standards), per category.
TECH = {
    "electronics": "1080p; 240Hz; 2.4 GHz; Type-C; IP68; 12V DC; HDMI 2.1; Bluetooth 5.3; Wi-Fi 6; 4K 120Hz",
    "computers": "6-Core; 64GB RAM; PCIe 4.0; DDR5; M.2 NVMe; Cat6; 240Hz; Type-C; USB 3.2 Gen 2; 2.5GbE",
    "phone_accessories": "PD 3.0; 20W; Qi2; MFi Certified; USB-C; 9H",
    "tools": "10 Gauge; 14 AWG; 120V; ANSI Z87.1; 18650; UL Listed; 1/2 in. NPT; 3/8-16 Thread; Grade 8; 15 Amp",
    "auto": "5.7L; V6; 3.5L; 12V DC; Grade 8; 6000K; OE 04465-33471; SAE J1772",
    "home_decor": "E26 Base; 60 Watt Equivalent; A19; 2700K; 5000K; UL Listed; Dimmable",
    "kitchen": "NSF Certified; 316 Stainless; 120V; 1500W; 18/10",
    "health": "HEPA H13; FDA Cleared; 510(k); CE",
    "garden": "3/4 in. GHT; 40V; 5/8 in.; UL Listed",
}

# Adjective synonyms sellers stack ("Funny Humor Novelty Sarcastic").
ADJ_STACKS = """Funny; Humor; Novelty; Sarcastic; Hilarious
Cute; Adorable; Lovely; Kawaii; Sweet
Soft; Comfy; Cozy; Plush; Fluffy
Big; Large; Huge; Oversized; Giant
Durable; Sturdy; Strong; Heavy Duty; Tough
Small; Mini; Tiny; Little; Compact
Elegant; Luxury; Fancy; Classy; Chic
Waterproof; Water Resistant; Rainproof; Splash Proof
Portable; Travel; Lightweight; Handheld; Mobile
Modern; Contemporary; Stylish; Trendy; Fashionable
Vintage; Retro; Antique; Old Fashioned; Classic"""
